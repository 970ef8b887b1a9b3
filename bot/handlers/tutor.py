"""Plain messages that are not a recap: a free-text quiz answer, or a chat with the coach."""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot import keyboards
from bot.context import CoachApplication, CoachContext
from bot.handlers.quiz import send_quiz_item
from bot.handling import identity, pause_for_slow_io, reclaim_update, with_session
from coach import render
from coach.messages import t
from coach.parsing import MAX_BLOCK_MINUTES, MIN_BLOCK_MINUTES
from coach.quiz import render as quiz_render
from coach.quiz.topics import TOPICS
from coach.service import BlockAlreadyRunning
from coach.tutor.offers import topic_card
from coach.tutor.tutor import CoachReply
from jobs.blocks import schedule_block_end


def register(application: CoachApplication) -> None:
    """The buttons under the coach's offline replies (add to bot.app.FEATURES)."""
    application.add_handler(CallbackQueryHandler(offer_button, pattern=keyboards.TUTOR_PATTERN))


async def answer_text(
    update: Update, context: CoachContext, session: AsyncSession, text: str
) -> None:
    """Grade the awaited free-text answer, or reply as the coach.

    The LLM is asked with no transaction open (see `pause_for_slow_io`); the update is
    claimed again together with what is stored, so a crash mid-call loses nothing.
    """
    message = update.effective_message
    assert message
    who = identity(update)
    services = context.services
    pending = await services.quizzer.pending_explain(session, who)
    if pending is not None:
        await pause_for_slow_io(session)
        await _typing(context, who.chat_id)
        grade = await services.tutor.grade(pending, text)
        if not await reclaim_update(update, context, session):
            return
        reviewed = await services.quizzer.review_explain(session, who, pending, text, grade)
        await session.commit()
        if reviewed is None:
            await message.reply_text(t(pending.language, "quiz.closed"))
            return
        await message.reply_text(quiz_render.graded(reviewed, services.clock.now()))
        if reviewed.next_item is not None:
            await send_quiz_item(context, session, who.chat_id, reviewed.next_item)
        return
    grounding = await services.tutor.chat_context(session, who)
    await pause_for_slow_io(session)
    await _typing(context, who.chat_id)
    reply = await services.tutor.reply(grounding, text)
    if not await reclaim_update(update, context, session):
        return
    profile = await services.tutor.remember(session, who, text, reply)
    await session.commit()
    await message.reply_text(
        _with_source(profile.language, reply), reply_markup=_offers(profile.language, reply)
    )


def _offers(language: str, reply: CoachReply) -> InlineKeyboardMarkup | None:
    topic = reply.offers.quiz_topic
    name = TOPICS[topic].name(language) if topic in TOPICS else ""
    return keyboards.tutor_offers(language, reply.offers.block_minutes, topic, name)


@with_session
async def offer_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """*Start a 35-min block* or *Try a card* under an offline reply."""
    query = update.callback_query
    assert query and query.data
    offer = keyboards.parse_tutor_offer(query.data)
    assert offer, "the handler pattern only lets coach offers through"
    action, value = offer
    who = identity(update)
    if action == "block":
        minutes = int(value) if value.isdigit() else 0
        profile = await context.coach.profile(session, who)
        if not MIN_BLOCK_MINUTES <= minutes <= MAX_BLOCK_MINUTES:
            await session.commit()
            await query.answer(t(profile.language, "button.stale"))
            return
        topic = t(profile.language, "tutor.short_block_topic")
        outcome = await context.coach.start_block(session, who, minutes, topic)
        await session.commit()
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        language = outcome.profile.language
        controls = keyboards.block_controls(language, outcome.block.id)
        if isinstance(outcome, BlockAlreadyRunning):
            now = context.services.clock.now()
            text = render.block_already_running(outcome.profile, outcome.block, now)
        else:
            schedule_block_end(context, outcome.block)
            text = render.block_started(outcome.profile, outcome.block)
        await context.bot.send_message(who.chat_id, text, reply_markup=controls)
        return
    item = await topic_card(context.services.quizzer, session, who, value)
    profile = await context.coach.profile(session, who)
    await session.commit()
    if item is None:
        name = TOPICS[value].name(profile.language) if value in TOPICS else value
        await query.answer(t(profile.language, "tutor.quiz_none", topic=name), show_alert=True)
        return
    await query.answer()
    await send_quiz_item(context, session, who.chat_id, item)


def _with_source(language: str, reply: CoachReply) -> str:
    if reply.fallback is None:
        return reply.text
    return f"{reply.text}\n\n{t(language, f'tutor.chat_fallback_{reply.fallback}')}"


async def _typing(context: CoachContext, chat_id: int) -> None:
    if context.services.tutor.llm is None:
        return  # the offline answer is immediate
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
