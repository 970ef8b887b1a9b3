"""/rewards and the reward buttons after a completed block."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import keyboards
from bot.context import CoachContext
from bot.handling import command_payload, identity, with_session
from coach.blocks import render
from coach.blocks.service import RewardRefused, RewardRemoved
from coach.messages import t


@with_session
async def rewards(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Show the menu and recent grants; `add <name>` and `remove <n>` edit the menu."""
    message = update.effective_message
    assert message
    who = identity(update)
    verb, _, rest = command_payload(message).partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if not verb:
        overview = await context.coach.rewards(session, who)
        await session.commit()
        await message.reply_text(render.rewards(overview))
        return
    if verb == "add" and rest:
        added = await context.coach.add_reward(session, who, rest)
        await session.commit()
        if isinstance(added, RewardRefused):
            await message.reply_text(t(added.profile.language, added.key, **added.values))
            return
        text = t(added.profile.language, "rewards.added", title=added.items[-1].title)
        await message.reply_text(f"{text}\n\n{render.reward_menu(added)}")
        return
    if verb in ("remove", "rm", "del", "delete") and rest:
        removed = await context.coach.remove_reward(session, who, rest)
        await session.commit()
        if isinstance(removed, RewardRemoved):
            text = t(removed.profile.language, "rewards.removed", title=removed.title)
        else:
            text = t(removed.profile.language, removed.key, **removed.values)
        await message.reply_text(text)
        return
    profile = await context.coach.profile(session, who)
    await session.commit()
    await message.reply_text(t(profile.language, "rewards.usage"))


@with_session
async def reward_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Record the reward the learner picked for a completed block."""
    query = update.callback_query
    assert query and query.data
    pick = keyboards.parse_reward_pick(query.data)
    assert pick, "the handler pattern only lets reward picks through"
    outcome = await context.coach.grant_reward(
        session, identity(update), pick.block_id, pick.item_id
    )
    await session.commit()
    if isinstance(outcome, RewardRefused):
        text = t(outcome.profile.language, outcome.key, **outcome.values)
        await query.answer(text, show_alert=True)
        if outcome.key == "reward.already":
            await query.edit_message_reply_markup(reply_markup=None)
        return
    text = t(outcome.profile.language, "reward.granted", title=outcome.title)
    await query.answer(text)
    await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(outcome.profile.chat_id, text)
