"""`/export`: all of a learner's data as one JSON-ready document, assembled here and only here.

Every instant is given twice: `X` in UTC (ISO 8601, as stored) and `X_local` in the learner's
timezone, so the file reads right without converting. Dates (`local_date`, a pause's days) are
already the learner's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coach.learners.profile import Identity, Profile, profile_of
from coach.learners.registry import Learners
from coach.schedule.times import WEEKDAY_NAMES, ScheduleKind, format_clock
from coach.vision.service import export_exchanges
from db.models import SchedulePause
from db.repositories import BlockRepository, NoteRepository, RewardRepository
from db.scheduling import ScheduleRepository
from db.study_repositories import ConversationRepository, PlanRepository, QuizRepository

EXPORT_FORMAT = "study-coach-export/1"
# Every turn of the conversation; the bot only ever shows the model the latest few.
MAX_EXPORTED_MESSAGES = 100_000
_KIND_ORDER = {kind.value: index for index, kind in enumerate(ScheduleKind)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _instant(name: str, moment: datetime | None, zone: ZoneInfo) -> dict[str, str | None]:
    """`name` in UTC and `name_local` in the learner's zone."""
    local = moment.astimezone(zone).isoformat() if moment is not None else None
    return {name: _iso(moment), f"{name}_local": local}


async def export_document(
    session: AsyncSession, learners: Learners, who: Identity
) -> tuple[Profile, dict[str, Any]]:
    """Everything stored about the learner, as a JSON-ready document."""
    user = await learners.user(session, who)
    profile = profile_of(user)
    zone = profile.zone
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        **_instant("exported_at", learners.clock.now(), zone),
        "user": {
            "telegram_id": user.id,
            "first_name": user.first_name,
            "language": user.language,
            "timezone": user.timezone,
            **_instant("created_at", user.created_at, zone),
        },
        **await _coaching(session, user.id, zone),
        "vision_exchanges": [
            {**exchange, "created_at_local": _local_text(exchange["created_at"], zone)}
            for exchange in await export_exchanges(session, user.id)
        ],
        **await _study(session, user.id, zone),
        **await _schedule(session, user.id, zone),
    }
    return profile, document


async def _coaching(session: AsyncSession, user_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """Focus blocks, the reward menu and grants, and the daily log."""
    rewards = RewardRepository(session)
    return {
        "focus_blocks": [
            {
                "id": block.id,
                "topic": block.topic,
                "planned_minutes": block.planned_minutes,
                "status": block.status.value,
                **_instant("started_at", block.started_at, zone),
                **_instant("planned_end_at", block.planned_end_at, zone),
                **_instant("finished_at", block.finished_at, zone),
                "local_date": block.local_date.isoformat(),
                "recap": block.recap,
                "late": block.late,
            }
            for block in await BlockRepository(session).all_for_user(user_id)
        ],
        "reward_menu": [item.title for item in await rewards.menu(user_id)],
        "reward_grants": [
            {
                "block_id": grant.block_id,
                "title": grant.title,
                **_instant("granted_at", grant.granted_at, zone),
            }
            for grant in reversed(await rewards.grants(user_id))
        ],
        "daily_notes": [
            {
                "local_date": note.local_date.isoformat(),
                "text": note.text,
                **_instant("created_at", note.created_at, zone),
            }
            for note in await NoteRepository(session).all_for_user(user_id)
        ],
    }


async def _study(session: AsyncSession, user_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """The plan and its ticks, quiz cards and answers, and the conversation."""
    plans = PlanRepository(session)
    quizzes = QuizRepository(session)
    record = await plans.get(user_id)
    return {
        "study_plan": {
            "document": record.document if record else None,
            "file_name": record.file_name if record else None,
            "start_date": record.start_date.isoformat() if record and record.start_date else None,
            **_instant("imported_at", record.imported_at if record else None, zone),
        },
        "plan_ticks": [
            {"item_index": index, **_instant("ticked_at", at, zone)}
            for index, at in sorted((await plans.ticks(user_id)).items())
        ],
        "quiz_cards": [
            {
                "question_id": card.question_id,
                **_instant("due", card.due, zone),
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
                **_instant("sent_at", prompt.sent_at, zone),
                **_instant("answered_at", prompt.answered_at, zone),
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
                **_instant("created_at", message.created_at, zone),
            }
            for message in await ConversationRepository(session).recent(
                user_id, MAX_EXPORTED_MESSAGES
            )
        ],
    }


async def _schedule(session: AsyncSession, user_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """The reminder times (as set, in local time) and every pause."""
    schedules = sorted(
        await ScheduleRepository(session).for_user(user_id),
        key=lambda schedule: _KIND_ORDER.get(schedule.kind, len(_KIND_ORDER)),
    )
    pauses = await session.scalars(
        select(SchedulePause)
        .where(SchedulePause.user_id == user_id)
        .order_by(SchedulePause.first_day, SchedulePause.id)
    )
    return {
        "schedule": [
            {
                "kind": schedule.kind,
                "enabled": schedule.enabled,
                "local_time": format_clock(schedule.local_minutes),
                "weekday": (
                    WEEKDAY_NAMES[schedule.weekday] if schedule.weekday is not None else None
                ),
                "timezone": schedule.zone,
                **_instant("next_due_at", schedule.next_due_at, zone),
            }
            for schedule in schedules
        ],
        "schedule_pauses": [
            {
                "first_day": pause.first_day.isoformat(),
                "last_day": pause.last_day.isoformat(),
                **_instant("created_at", pause.created_at, zone),
            }
            for pause in pauses
        ],
    }


def _local_text(moment: object, zone: ZoneInfo) -> str | None:
    if not isinstance(moment, str):
        return None
    return datetime.fromisoformat(moment).astimezone(zone).isoformat()
