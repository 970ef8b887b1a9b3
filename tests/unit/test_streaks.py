"""Streak counting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from coach.blocks.standard import streak, streak_days, streaks
from db.database import Database
from db.models import BlockStatus, FocusBlock
from tests.support.learner_data import learner_row

TODAY = date(2026, 3, 10)


def test_no_days_no_streak() -> None:
    assert streak_days(set(), TODAY) == 0


def test_streak_counts_back_from_today() -> None:
    days = {date(2026, 3, 8), date(2026, 3, 9), TODAY}
    assert streak_days(days, TODAY) == 3


def test_an_open_today_keeps_yesterdays_streak() -> None:
    assert streak_days({date(2026, 3, 8), date(2026, 3, 9)}, TODAY) == 2


def test_a_gap_breaks_the_streak() -> None:
    assert streak_days({date(2026, 3, 7), TODAY}, TODAY) == 1
    assert streak_days({date(2026, 3, 8)}, TODAY) == 0


async def test_a_streak_longer_than_the_first_look_is_counted_whole(
    database_url: str,
) -> None:
    """60 days in a row meet the standard, one more falls short: the streak is 60."""
    database = Database(database_url)
    try:
        async with database.session() as session:
            now = datetime(2026, 3, 1, tzinfo=UTC)
            session.add(learner_row(7, now, timezone="UTC"))
            await session.flush()
            for offset in range(61):
                day = TODAY - timedelta(days=offset)
                started = datetime.combine(day, time(9), UTC)
                minutes = 35 if offset < 60 else 34
                session.add(
                    FocusBlock(
                        user_id=7,
                        topic="",
                        planned_minutes=minutes,
                        status=BlockStatus.COMPLETED,
                        started_at=started,
                        planned_end_at=started + timedelta(minutes=minutes),
                        finished_at=started + timedelta(minutes=minutes),
                        local_date=day,
                        late=False,
                    )
                )
            await session.commit()
            assert await streak(session, 7, 35, TODAY) == 60
            assert await streak(session, 7, 36, TODAY) == 0
            shorter = await streaks(session, {7: 35}, [(7, TODAY - timedelta(days=50))])
            assert shorter == {(7, TODAY - timedelta(days=50)): 10}
    finally:
        await database.dispose()
