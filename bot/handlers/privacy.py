"""/forget: delete everything about the learner, after they press the confirmation button."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import CoachApplication, CoachContext
from bot.handling import identity, with_session
from coach.messages import t
from coach.privacy.forget import Forgotten

FORGET_PATTERN = re.compile(r"^fgt:(?:yes:([0-9a-f]{16})|(no))$")


def register(application: CoachApplication) -> None:
    """Add /forget and its confirmation buttons."""
    application.add_handler(CommandHandler("forget", forget, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(forget_button, pattern=FORGET_PATTERN))


def confirmation(language: str, token: str) -> InlineKeyboardMarkup:
    """*Delete everything* / *Keep my data*."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(language, "privacy.button_yes"), callback_data=f"fgt:yes:{token}"
                ),
                InlineKeyboardButton(t(language, "privacy.button_no"), callback_data="fgt:no"),
            ]
        ]
    )


@with_session
async def forget(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Ask for confirmation before deleting anything."""
    request = await context.services.privacy.request_forget(session, identity(update))
    await session.commit()
    assert update.effective_message
    language = request.profile.language
    await update.effective_message.reply_text(
        t(language, "privacy.confirm", minutes=request.minutes),
        reply_markup=confirmation(language, request.token),
    )


@with_session
async def forget_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Delete everything (with a live token) or keep it all."""
    query = update.callback_query
    assert query and query.data
    match = FORGET_PATTERN.match(query.data)
    assert match, "the handler pattern only lets these through"
    who = identity(update)
    privacy = context.services.privacy
    if match.group(2):
        language = await privacy.keep(session, who)
        await session.commit()
        text = t(language, "privacy.kept")
    else:
        outcome = await privacy.forget(session, who, match.group(1))
        await session.commit()
        if isinstance(outcome, Forgotten):
            text = t(outcome.language, "privacy.done")
        else:
            text = t(outcome.language, outcome.key)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await context.bot.send_message(who.chat_id, text)
