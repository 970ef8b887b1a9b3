"""/quiz, native quiz polls, their answers (poll_answer updates) and free-text questions."""

from __future__ import annotations

from dataclasses import replace

from telegram.ext import CommandHandler, PollAnswerHandler, filters

from bot.handling import Turn, handler
from coach.messages import t
from coach.quiz import render
from coach.quiz.quizzer import NothingToQuiz, PollAnswered
from coach.quiz.replies import item_reply
from coach.replies import Answer, Refusal, Reply
from jobs.context import CoachApplication


@handler
async def quiz_command(turn: Turn) -> Answer | Reply | str:
    """`/quiz` (a round), `/quiz explain`, `/quiz skip`, `/quiz stats`."""
    quizzer = turn.services.quizzer
    now = turn.services.clock.now()
    action = turn.payload.lower()
    if action in ("stats", "stat"):
        return render.stats(await quizzer.stats(turn.session, turn.who), now)
    if action == "skip":
        skipped = await quizzer.skip(turn.session, turn.who)
        language = skipped.profile.language
        if skipped.question is None:
            return t(language, "quiz.nothing_to_skip")
        next_question = item_reply(skipped.next_item) if skipped.next_item else None
        return Answer.of(t(language, "quiz.skipped"), next_question)
    if action not in ("", "explain"):
        raise Refusal("quiz.usage")
    item = await quizzer.start_round(
        turn.session, turn.who, "explain" if action == "explain" else None
    )
    if isinstance(item, NothingToQuiz):
        return render.nothing_to_quiz(item, now)
    return item_reply(item)


@handler
async def poll_answer(turn: Turn) -> Answer:
    """A quiz poll answer: record it with its latency, reschedule the card, send the next."""
    answer = turn.update.poll_answer
    assert answer
    if answer.user is None:
        return Answer()  # an anonymous (channel) vote: never one of our non-anonymous quizzes
    user_id = answer.user.id
    outcome = await turn.services.quizzer.answer_poll(
        turn.session, user_id, answer.poll_id, list(answer.option_ids)
    )
    if not isinstance(outcome, PollAnswered):
        if outcome.key is None:
            return Answer()
        # poll_answer carries no chat; a private chat's id is the user's id.
        language = await turn.services.learners.language_of(turn.session, user_id)
        return Answer.of(Reply(t(language, outcome.key), chat_id=user_id))
    if outcome.next_item is not None:
        return Answer.of(replace(item_reply(outcome.next_item), chat_id=outcome.chat_id))
    if outcome.summary is not None:
        now = turn.services.clock.now()
        text = render.round_summary(outcome.profile, outcome.summary, now)
        return Answer.of(Reply(text, chat_id=outcome.chat_id))
    return Answer()


def register(application: CoachApplication) -> None:
    """Add /quiz and the poll answer handler."""
    application.add_handler(
        CommandHandler("quiz", quiz_command, filters=filters.UpdateType.MESSAGE)
    )
    application.add_handler(PollAnswerHandler(poll_answer))
