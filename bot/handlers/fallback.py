"""Replies for everything no other handler took: nothing goes unanswered."""

from __future__ import annotations

from bot.handling import Turn, handler
from coach.messages import t
from coach.replies import Answer


@handler
async def unknown_command(turn: Turn) -> str:
    """Name the unknown command and show the usage."""
    language = await turn.language()
    command = (turn.message.text or "").split()[0][:64]
    return t(language, "command.unknown", command=command, help=t(language, "help"))


@handler
async def unsupported_message(turn: Turn) -> Answer:
    """Say what kinds of messages the coach understands."""
    return await turn.say("unsupported")


@handler
async def unknown_button(turn: Turn) -> Answer:
    """A button whose data we do not recognise (old or tampered): say so, change nothing."""
    return Answer(toast=t(await turn.language(), "button.stale"))
