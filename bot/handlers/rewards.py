"""/rewards and the reward buttons after a completed block."""

from __future__ import annotations

from bot.handling import Turn, handler
from coach.blocks import keyboards, render
from coach.blocks.service import RewardRefused, RewardRemoved
from coach.messages import t
from coach.replies import Answer, Refusal, Reply


@handler
async def rewards(turn: Turn) -> str:
    """Show the menu and recent grants; `add <name>` and `remove <n>` edit the menu."""
    coach = turn.services.coach
    verb, _, rest = turn.payload.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if not verb:
        return render.rewards(await coach.rewards(turn.session, turn.who))
    if verb == "add" and rest:
        added = await coach.add_reward(turn.session, turn.who, rest)
        if isinstance(added, RewardRefused):
            return t(added.profile.language, added.key, **added.values)
        text = t(added.profile.language, "rewards.added", title=added.items[-1].title)
        return f"{text}\n\n{render.reward_menu(added)}"
    if verb in ("remove", "rm", "del", "delete") and rest:
        removed = await coach.remove_reward(turn.session, turn.who, rest)
        if isinstance(removed, RewardRemoved):
            return t(removed.profile.language, "rewards.removed", title=removed.title)
        return t(removed.profile.language, removed.key, **removed.values)
    raise Refusal("rewards.usage")


@handler
async def reward_button(turn: Turn) -> Answer:
    """Record the reward the learner picked for a completed block."""
    pick = keyboards.parse_reward_pick(turn.data)
    assert pick, "the handler pattern only lets reward picks through"
    outcome = await turn.services.coach.grant_reward(
        turn.session, turn.who, pick.block_id, pick.item_id
    )
    if isinstance(outcome, RewardRefused):
        text = t(outcome.profile.language, outcome.key, **outcome.values)
        return Answer(toast=text, alert=True, clear_buttons=outcome.key == "reward.already")
    text = t(outcome.profile.language, "reward.granted", title=outcome.title)
    return Answer(replies=(Reply(text),), toast=text, clear_buttons=True)
