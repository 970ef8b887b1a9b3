"""/quiz, native quiz polls, their answers (poll_answer updates) and free-text questions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal, cast

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Poll, Update
from telegram.ext import CommandHandler, PollAnswerHandler, filters

from bot.context import CoachApplication, CoachContext
from bot.handling import command_payload, identity, with_session
from coach.messages import t
from coach.quiz import render
from coach.quiz.quizzer import NothingToQuiz, PollAnswered, QuizItem

log = logging.getLogger(__name__)

OptionId = Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


async def send_quiz_item(
    context: CoachContext, session: AsyncSession, chat_id: int, item: QuizItem
) -> None:
    """Send a question (a quiz poll, or a message for a free-text one) and record it.

    The poll id only exists once Telegram accepted the poll, so the record is written after
    sending, in its own transaction; the caller has committed everything before.
    """
    text = item.question.text(item.language)
    if item.question.kind == "choice":
        message = await context.bot.send_poll(
            chat_id,
            question=text.question,
            options=list(item.options),
            # Only non-anonymous polls report who answered (poll_answer updates).
            is_anonymous=False,
            type=Poll.QUIZ,
            correct_option_ids=cast(Sequence[OptionId], list(item.correct_option_ids)),
            explanation=text.explanation,
        )
        poll_id = message.poll.id if message.poll else None
    else:
        message = await context.bot.send_message(chat_id, render.explain_prompt(item))
        poll_id = None
    await context.services.quizzer.record_sent(session, item, chat_id, poll_id, message.message_id)
    await session.commit()


@with_session
async def quiz_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """`/quiz` (a round), `/quiz explain`, `/quiz skip`, `/quiz stats`."""
    message = update.effective_message
    assert message
    who = identity(update)
    quizzer = context.services.quizzer
    now = context.services.clock.now()
    action = command_payload(message).lower()
    if action in ("stats", "stat"):
        report = await quizzer.stats(session, who)
        await session.commit()
        await message.reply_text(render.stats(report, now))
        return
    if action == "skip":
        skipped = await quizzer.skip(session, who)
        await session.commit()
        language = skipped.profile.language
        if skipped.question is None:
            await message.reply_text(t(language, "quiz.nothing_to_skip"))
            return
        await message.reply_text(t(language, "quiz.skipped"))
        if skipped.next_item is not None:
            await send_quiz_item(context, session, who.chat_id, skipped.next_item)
        return
    if action not in ("", "explain"):
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, "quiz.usage"))
        return
    item = await quizzer.start_round(session, who, "explain" if action == "explain" else None)
    await session.commit()
    if isinstance(item, NothingToQuiz):
        await message.reply_text(render.nothing_to_quiz(item, now))
        return
    await send_quiz_item(context, session, who.chat_id, item)


@with_session
async def poll_answer(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A quiz poll answer: record it with its latency, reschedule the card, send the next."""
    answer = update.poll_answer
    assert answer
    if answer.user is None:
        return  # an anonymous (channel) vote: never one of our non-anonymous quizzes
    user_id = answer.user.id
    outcome = await context.services.quizzer.answer_poll(
        session, user_id, answer.poll_id, list(answer.option_ids)
    )
    await session.commit()
    if not isinstance(outcome, PollAnswered):
        if outcome.key is not None:
            # poll_answer carries no chat; a private chat's id is the user's id.
            language = await context.coach.language_of(session, user_id)
            await context.bot.send_message(user_id, t(language, outcome.key))
        return
    if outcome.next_item is not None:
        await send_quiz_item(context, session, outcome.chat_id, outcome.next_item)
    elif outcome.summary is not None:
        now = context.services.clock.now()
        await context.bot.send_message(
            outcome.chat_id, render.round_summary(outcome.profile, outcome.summary, now)
        )


def register(application: CoachApplication) -> None:
    """Add /quiz and the poll answer handler."""
    application.add_handler(
        CommandHandler("quiz", quiz_command, filters=filters.UpdateType.MESSAGE)
    )
    application.add_handler(PollAnswerHandler(poll_answer))
