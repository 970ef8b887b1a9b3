"""The last line of defence: log the error, apologise to the learner, never show a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.handling import ReplyNotDelivered
from coach.messages import t
from jobs.context import CoachContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: CoachContext) -> None:
    """Log the exception and tell the learner, in their language, what became of the action."""
    if isinstance(context.error, ReplyNotDelivered):
        # The work is committed; only the reply failed.
        cause = context.error.__cause__
        if isinstance(cause, TelegramError):
            log.warning("the reply was not delivered after the changes were saved: %s", cause)
        else:
            log.error("the reply failed after the changes were saved", exc_info=cause)
        key = "delivery.reply_lost"
    else:
        log.error("error while handling an update", exc_info=context.error)
        key = "error.generic"
    if not isinstance(update, Update) or update.effective_user is None:
        return
    language: str = context.services.settings.language
    try:
        async with context.services.database.session() as session:
            language = await context.services.learners.language_of(
                session, update.effective_user.id
            )
    except Exception:  # the database may be what failed
        log.warning("could not read the learner's language for the apology", exc_info=True)
    text = t(language, key)
    try:
        if update.callback_query is not None and key == "error.generic":
            await update.callback_query.answer(text, show_alert=True)
        else:
            chat_id = (
                update.effective_chat.id if update.effective_chat else update.effective_user.id
            )
            await context.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not send the apology", exc_info=True)
