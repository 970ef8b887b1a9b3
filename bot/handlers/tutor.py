"""Plain messages that are not a recap: a free-text quiz answer, or a chat with the coach."""

from __future__ import annotations

import contextlib

from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.handling import Decided, Turn
from coach.messages import t
from coach.quiz import render as quiz_render
from coach.quiz.replies import item_reply
from coach.replies import Answer, Reply
from coach.tutor.tutor import CoachReply


async def answer_text(turn: Turn, text: str) -> Decided:
    """Grade the awaited free-text answer, or reply as the coach.

    The LLM is asked with no transaction open (see `pause_for_slow_io`); the update is
    claimed again together with what is stored, so a crash mid-call loses nothing.
    """
    services, who = turn.services, turn.who
    pending = await services.quizzer.pending_explain(turn.session, who)
    if pending is not None:
        await turn.pause_for_slow_io()
        await _typing(turn)
        grade = await services.tutor.grade(pending, text)
        if not await turn.resume():
            return None
        reviewed = await services.quizzer.review_explain(turn.session, who, pending, text, grade)
        if reviewed is None:
            return t(pending.language, "quiz.closed")
        graded = Reply(quiz_render.graded(reviewed, services.clock.now()))
        if reviewed.next_item is None:
            return graded
        return Answer(replies=(graded, item_reply(reviewed.next_item)))
    grounding = await services.tutor.chat_context(turn.session, who)
    await turn.pause_for_slow_io()
    await _typing(turn)
    reply = await services.tutor.reply(grounding, text)
    if not await turn.resume():
        return None
    profile = await services.tutor.remember(turn.session, who, text, reply)
    return _with_source(profile.language, reply)


def _with_source(language: str, reply: CoachReply) -> str:
    if reply.fallback is None:
        return reply.text
    return f"{reply.text}\n\n{t(language, f'tutor.chat_fallback_{reply.fallback}')}"


async def _typing(turn: Turn) -> None:
    if turn.services.tutor.llm is None:
        return  # the offline answer is immediate
    with contextlib.suppress(TelegramError):
        await turn.context.bot.send_chat_action(turn.who.chat_id, ChatAction.TYPING)
