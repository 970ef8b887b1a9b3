"""The allow-list: strangers get one polite refusal per update and nothing else."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from coach.messages import t
from jobs.context import CoachContext

log = logging.getLogger(__name__)


async def refuse_strangers(update: Update, context: CoachContext) -> None:
    """Stop every update from a user outside a non-empty COACH_ALLOWED_USERS."""
    settings = context.services.settings
    allowed = settings.allowed_users
    user = update.effective_user
    if not allowed or (user is not None and user.id in allowed):
        return
    log.info("refused update %s from user %s", update.update_id, user.id if user else None)
    refusal = t(settings.language, "access.refused")
    try:
        # Answer what a person did (a message, a button, a poll answer); stay silent on the
        # rest (channel posts, membership changes, reactions): nobody asked anything.
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.message is not None:
            await update.message.reply_text(refusal)
        elif update.poll_answer is not None and user is not None:
            await context.bot.send_message(user.id, refusal)
    except TelegramError as error:
        log.info("could not send the refusal for update %s: %s", update.update_id, error)
    raise ApplicationHandlerStop
