"""The weekly summary's chart: which data the picture gets (drawing is `coach.pictures`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from coach.pictures.weekly import (
    DEFAULT_STANDARD_MINUTES,
    ChartDay,
    WeeklyChart,
    WeeklyChartData,
    draw_weekly,
)
from coach.schedule.digests import BlockLine, WeeklySummary
from db.scheduling import PauseRepository


def chart_data(
    summary: WeeklySummary,
    *,
    today: date | None = None,
    paused_days: Collection[date] = (),
    standard_minutes: int = DEFAULT_STANDARD_MINUTES,
) -> WeeklyChartData:
    """The chart of a weekly summary; the summary knows neither today nor the paused days."""
    days = tuple(
        ChartDay(
            day=totals.day,
            minutes=totals.minutes,
            blocks=totals.blocks,
            topics=day_topics([b for b in summary.blocks if b.local_date == totals.day]),
            paused=totals.day in paused_days,
        )
        for totals in summary.days
    )
    return WeeklyChartData(
        language=summary.profile.language,
        week_number=summary.week.number,
        days=days,
        today=today if today is not None and today in summary.week else None,
        standard_minutes=standard_minutes,
    )


def day_topics(blocks: Collection[BlockLine]) -> tuple[str, ...]:
    """Each block's topic once, in order; a block without a topic gives its recap's first words."""
    seen: list[str] = []
    for block in blocks:
        words = block.topic.strip() or " ".join((block.recap or "").split()[:3])
        if words and words not in seen:
            seen.append(words)
    return tuple(seen)


def draw_weekly_chart(summary: WeeklySummary) -> WeeklyChart:
    """The chart of a weekly summary with the learner's standard, without today or pauses."""
    return draw_weekly(chart_data(summary, standard_minutes=summary.standard_minutes))


async def weekly_chart_data(
    session: AsyncSession,
    summary: WeeklySummary,
    today: date,
    *,
    standard_minutes: int | None = None,
) -> WeeklyChartData:
    """The weekly chart of `summary`, with today marked, the learner's paused days shown and
    their standard drawn (the summary's, unless `standard_minutes` says otherwise)."""
    paused = await PauseRepository(session).days_since(
        summary.profile.user_id, summary.week.first_day
    )
    return chart_data(
        summary,
        today=today,
        paused_days={day for day in paused if day in summary.week},
        standard_minutes=summary.standard_minutes if standard_minutes is None else standard_minutes,
    )
