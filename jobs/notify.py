"""Messages the bot sends on its own initiative rather than in reply."""

from __future__ import annotations

from coach.blocks.replies import block_ending_reply
from coach.blocks.views import BlockEnding
from jobs.context import CoachContext
from jobs.telegram_out import send_reply


async def send_block_ending(context: CoachContext, ending: BlockEnding) -> None:
    """Tell the learner their block ended, ask for the recap, and offer the rewards."""
    await send_reply(context.bot, ending.profile.chat_id, block_ending_reply(ending))
