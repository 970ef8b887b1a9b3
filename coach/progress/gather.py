"""What `/progress` shows, read from the database through the repositories (no drawing here).

`progress_data` gathers `/progress`; it only reads.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.standard import (
    DEFAULT_STANDARD_MINUTES,
    STREAK_WINDOW,
    longest_streak,
    met_days,
    streak_days,
    user_standard,
)
from coach.pictures.progress import ProgressData, TopicAccuracy, WeekChecklist
from coach.plan.progress import plan_state
from coach.plan.weeks import plan_week_of
from coach.quiz.bank import QuestionBank
from coach.quiz.topics import TOPICS
from coach.schedule.digests import BlockLine
from db.models import User
from db.scheduling import ActivityRepository, PauseRepository
from db.study_repositories import QuizRepository


async def progress_data(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    bank: QuestionBank,
    *,
    default_standard: int = DEFAULT_STANDARD_MINUTES,
) -> ProgressData | None:
    """The learner's whole plan as of `now`, for `/progress`; None for an unknown learner.

    The calendar covers the plan's weeks from its start (`/plan start`, else first contact);
    the streaks follow `/status`: days that met the learner's standard (their own, else
    `default_standard`), rest days of a pause neither counting nor breaking them; quiz
    accuracy counts every answer since the plan's start, by the topic of its question.
    """
    state = await plan_state(session, user_id, now)
    user = await session.get(User, user_id)
    if state is None or user is None:
        return None
    standard_minutes = user_standard(user, default_standard)
    today, start = state.today, state.start_date
    weeks = state.plan.last_week
    last_day = start + timedelta(days=7 * weeks - 1)
    activity = ActivityRepository(session)
    blocks = [
        BlockLine.of(block)
        for block in await activity.completed_blocks(user_id, start, min(today, last_day))
    ]
    minutes: Counter[date] = Counter()
    for block in blocks:
        minutes[block.local_date] += block.minutes

    since = today - STREAK_WINDOW
    met = await met_days(session, {user_id: standard_minutes}, since)
    active = {day for day in met[user_id] if day <= today}
    rest = await PauseRepository(session).days_since(user_id, since)
    current = streak_days(active, today, rest)

    checklist = []
    for week in state.plan.weeks:
        view = state.view(week.number)
        if view is not None:
            checklist.append(WeekChecklist(week.number, view.done, view.total))

    zone = ZoneInfo(state.profile.timezone)
    answered = await QuizRepository(session).answered(
        user_id, since=datetime.combine(start, time.min, zone)
    )
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for prompt in answered:
        question = bank.get(prompt.question_id)
        if question is None:  # a question since removed from the bank
            continue
        asked[question.topic] += 1
        right[question.topic] += 1 if prompt.correct else 0
    language = state.profile.language
    quiz = tuple(
        TopicAccuracy(topic.name(language), right[key], asked[key])
        for key, topic in TOPICS.items()
        if asked[key]
    )
    return ProgressData(
        language=language,
        start_date=start,
        weeks=weeks,
        today=today,
        minutes=dict(minutes),
        blocks=len(blocks),
        paused=frozenset(day for day in rest if start <= day <= last_day),
        checklist=tuple(checklist),
        current_streak=current,
        longest_streak=max(current, longest_streak(active, rest)),
        quiz=quiz,
        standard_minutes=standard_minutes,
    )


def is_last_plan_week(data: ProgressData, week_number: int | None = None) -> bool:
    """Whether the plan week `week_number` (by default today's) is the plan's last: the
    summary of that week attaches `/progress`'s picture."""
    if week_number is None:
        week_number = plan_week_of(data.today, data.start_date).number
    return week_number == data.weeks
