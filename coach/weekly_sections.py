"""The weekly summary's plan and quiz sections, from the study-plan and quiz features."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.digests import PlanProgress, QuizAccuracy, WeeklySections
from coach.plan.progress import todays_item
from coach.weeks import Week
from db.models import User
from db.study_repositories import QuizRepository


async def weekly_sections(session: AsyncSession, user: User, week: Week) -> WeeklySections:
    """The plan checklist progress at the week's end and the week's quiz accuracy."""
    zone = ZoneInfo(user.timezone)
    since = datetime.combine(week.first_day, time.min, zone)
    until = datetime.combine(week.last_day + timedelta(days=1), time.min, zone)
    today = await todays_item(session, user.id, until - timedelta(seconds=1))
    plan = None
    if today is not None and not today.before_start and today.total:
        plan = PlanProgress(done=today.done, total=today.total)
    answered = await QuizRepository(session).answered(user.id, since=since, until=until)
    quiz = None
    if answered:
        quiz = QuizAccuracy(
            correct=sum(1 for prompt in answered if prompt.correct), answered=len(answered)
        )
    return WeeklySections(plan_progress=plan, quiz_accuracy=quiz)
