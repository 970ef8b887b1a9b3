"""/forget: delete everything about the learner, after they press the confirmation button."""

from __future__ import annotations

import re

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.handling import Turn, handler
from coach.messages import t
from coach.privacy.forget import Forgotten
from coach.replies import Answer, Button, Keyboard, Reply, keyboard
from jobs.context import CoachApplication

FORGET_PATTERN = re.compile(r"^fgt:(?:yes:([0-9a-f]{16})|(no))$")


def register(application: CoachApplication) -> None:
    """Add /forget and its confirmation buttons."""
    application.add_handler(CommandHandler("forget", forget, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(forget_button, pattern=FORGET_PATTERN))


def confirmation(language: str, token: str) -> Keyboard:
    """*Delete everything* / *Keep my data*."""
    return keyboard(
        [
            [
                Button(t(language, "privacy.button_yes"), f"fgt:yes:{token}"),
                Button(t(language, "privacy.button_no"), "fgt:no"),
            ]
        ]
    )


@handler
async def forget(turn: Turn) -> Reply:
    """Ask for confirmation before deleting anything."""
    request = await turn.services.privacy.request_forget(turn.session, turn.who)
    language = request.profile.language
    return Reply(
        t(language, "privacy.confirm", minutes=request.minutes),
        keyboard=confirmation(language, request.token),
    )


@handler
async def forget_button(turn: Turn) -> Answer:
    """Delete everything (with a live token) or keep it all."""
    match = FORGET_PATTERN.match(turn.data)
    assert match, "the handler pattern only lets these through"
    privacy = turn.services.privacy
    if match.group(2):
        text = t(await privacy.keep(turn.session, turn.who), "privacy.kept")
    else:
        outcome = await privacy.forget(turn.session, turn.who, match.group(1))
        if isinstance(outcome, Forgotten):
            text = t(outcome.language, "privacy.done")
        else:
            text = t(outcome.language, outcome.key)
    return Answer(replies=(Reply(text),), clear_buttons=True)
