"""Plain messages that are not a recap: a free-text quiz answer, or a chat with the coach."""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.context import CoachContext
from bot.handlers.quiz import send_quiz_item
from bot.handling import identity, pause_for_slow_io, reclaim_update
from coach.messages import t
from coach.quiz import render as quiz_render
from coach.tutor.tutor import CoachReply


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
    await message.reply_text(_with_source(profile.language, reply))


def _with_source(language: str, reply: CoachReply) -> str:
    if reply.fallback is None:
        return reply.text
    return f"{reply.text}\n\n{t(language, f'tutor.chat_fallback_{reply.fallback}')}"


async def _typing(context: CoachContext, chat_id: int) -> None:
    if context.services.tutor.llm is None:
        return  # the offline answer is immediate
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
