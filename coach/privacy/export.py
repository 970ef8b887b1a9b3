"""The plan, quiz and conversation part of `/export` (all of a learner's data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.study_repositories import ConversationRepository, PlanRepository, QuizRepository

# Every turn of the conversation; the bot only ever shows the model the latest few.
MAX_EXPORTED_MESSAGES = 100_000


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def study_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """The learner's plan, ticks, quiz cards and answers, and conversation as plain values."""
    plans = PlanRepository(session)
    quizzes = QuizRepository(session)
    record = await plans.get(user_id)
    return {
        "study_plan": {
            "document": record.document if record else None,
            "file_name": record.file_name if record else None,
            "start_date": record.start_date.isoformat() if record and record.start_date else None,
            "imported_at": _iso(record.imported_at) if record else None,
        },
        "plan_ticks": [
            {"item_index": index, "ticked_at": _iso(at)}
            for index, at in sorted((await plans.ticks(user_id)).items())
        ],
        "quiz_cards": [
            {
                "question_id": card.question_id,
                "due": _iso(card.due),
                "reviews": card.reviews,
                "lapses": card.lapses,
                "fsrs": card.fsrs,
            }
            for card in await quizzes.cards(user_id)
        ],
        "quiz_answers": [
            {
                "question_id": prompt.question_id,
                "kind": prompt.kind,
                "sent_at": _iso(prompt.sent_at),
                "answered_at": _iso(prompt.answered_at),
                "correct": prompt.correct,
                "score": prompt.score,
                "latency_ms": prompt.latency_ms,
                "rating": prompt.rating,
                "answer_text": prompt.answer_text,
                "feedback": prompt.feedback,
                "grader": prompt.grader,
            }
            for prompt in await quizzes.answered(user_id)
        ],
        "coach_messages": [
            {
                "role": message.role,
                "content": message.content,
                "source": message.source,
                "created_at": _iso(message.created_at),
            }
            for message in await ConversationRepository(session).recent(
                user_id, MAX_EXPORTED_MESSAGES
            )
        ],
    }
