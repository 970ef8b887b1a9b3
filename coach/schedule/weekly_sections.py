"""The weekly summary's plan, quiz and demo sections, from the plan, quiz and vision features."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.plan.progress import week_progress
from coach.plan.weeks import Week
from coach.schedule.digests import DemoRecord, PlanProgress, QuizAccuracy, WeeklySections
from coach.vision.render import demo_record_markdown
from coach.vision.service import ExchangeStatus, ExchangeView
from db.models import User
from db.repositories import VisionRepository
from db.study_repositories import QuizRepository


async def weekly_sections(session: AsyncSession, user: User, week: Week) -> WeeklySections:
    """The checklist of plan week `week.number` (as at the week's end) and the week's quiz
    accuracy; no checklist for a week the plan does not have."""
    zone = ZoneInfo(user.timezone)
    since = datetime.combine(week.first_day, time.min, zone)
    until = datetime.combine(week.last_day + timedelta(days=1), time.min, zone)
    progress = await week_progress(session, user.id, until - timedelta(seconds=1), week.number)
    plan = None
    if progress is not None and progress.total:
        plan = PlanProgress(done=progress.done, total=progress.total)
    answered = await QuizRepository(session).answered(user.id, since=since, until=until)
    quiz = None
    if answered:
        quiz = QuizAccuracy(
            correct=sum(1 for prompt in answered if prompt.correct), answered=len(answered)
        )
    exchanges = [
        ExchangeView.of(row)
        for row in await VisionRepository(session).between(user.id, week.first_day, week.last_day)
    ]
    runs = [exchange for exchange in exchanges if exchange.status is ExchangeStatus.ANSWERED]
    demo = None
    if runs:
        demo = DemoRecord(
            entries=tuple(_demo_line(exchange) for exchange in runs),
            markdown=demo_record_markdown(user.language, runs, user.timezone, heading_level=3),
        )
    return WeeklySections(plan_progress=plan, quiz_accuracy=quiz, demo_record=demo)


def _demo_line(exchange: ExchangeView) -> str:
    """One run in a few words: what was asked of which model, and the top answer."""
    if exchange.scores:
        top = exchange.scores[0]
        return f"{exchange.model or 'CLIP'}: {top.label} {top.score * 100:.0f}%"
    answer = " ".join((exchange.answer or "").split())
    return f"{exchange.model or 'VLM'}: {answer[:60]}"
