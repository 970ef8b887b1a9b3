"""Replies for everything no other handler took: nothing goes unanswered."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import CoachContext
from bot.handling import identity, with_session
from coach.messages import t


@with_session
async def unknown_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Name the unknown command and show the usage."""
    message = update.effective_message
    assert message and message.text
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    command = message.text.split()[0][:64]
    await message.reply_text(
        t(profile.language, "command.unknown", command=command, help=t(profile.language, "help"))
    )


@with_session
async def unsupported_message(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Say what kinds of messages the coach understands."""
    message = update.effective_message
    assert message
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    await message.reply_text(t(profile.language, "unsupported"))


@with_session
async def unknown_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A button whose data we do not recognise (old or tampered): say so, change nothing."""
    query = update.callback_query
    assert query
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    await query.answer(t(profile.language, "button.stale"))
