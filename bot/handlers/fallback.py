"""Replies for everything no other handler took: nothing goes unanswered."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import CoachContext
from bot.handling import identity, with_session
from coach import commands
from coach.messages import t


@with_session
async def unknown_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Say the command is unknown, suggesting the closest one the bot has."""
    message = update.effective_message
    assert message and message.text
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    known = {
        name
        for handlers in context.application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    await message.reply_text(commands.unknown_command(profile.language, message.text, known))


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
