"""Messages the bot sends on its own initiative rather than in reply."""

from __future__ import annotations

from bot import keyboards
from bot.context import CoachContext
from coach.blocks import render
from coach.blocks.views import BlockEnding


async def send_block_ending(
    context: CoachContext, ending: BlockEnding, *, early: bool = False
) -> None:
    """Tell the learner their block ended, ask for the recap, and offer the rewards."""
    markup = (
        keyboards.reward_choices(ending.block.id, ending.reward_choices)
        if ending.earned_reward
        else None
    )
    await context.bot.send_message(
        ending.profile.chat_id, render.block_ending(ending, early=early), reply_markup=markup
    )
