"""Replies for everything no other handler took: nothing goes unanswered."""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.handling import Turn, handler
from coach import commands
from coach.messages import t
from coach.replies import Answer


@handler
async def unknown_command(turn: Turn) -> str:
    """Say the command is unknown, suggesting the closest one the bot has."""
    known = {
        name
        for handlers in turn.context.application.handlers.values()
        for registered in handlers
        if isinstance(registered, CommandHandler)
        for name in registered.commands
    }
    return commands.unknown_command(await turn.language(), turn.message.text or "", known)


@handler
async def unsupported_message(turn: Turn) -> Answer:
    """Say what kinds of messages the coach understands."""
    return await turn.say("unsupported")


@handler
async def unknown_button(turn: Turn) -> Answer:
    """A button whose data we do not recognise (old or tampered): say so, change nothing."""
    return Answer(toast=t(await turn.language(), "button.stale"))
