"""Block messages as replies: text with the buttons that go under it."""

from __future__ import annotations

from coach.blocks import keyboards, render
from coach.blocks.views import BlockEnding
from coach.replies import Reply


def block_ending_reply(ending: BlockEnding, *, early: bool = False) -> Reply:
    """The block ended: ask for the recap, and offer the rewards when one was earned."""
    buttons = (
        keyboards.reward_choices(ending.block.id, ending.reward_choices)
        if ending.earned_reward
        else None
    )
    return Reply(
        render.block_ending(ending, early=early), keyboard=buttons, chat_id=ending.profile.chat_id
    )
