"""Plan weeks: week N starts on the plan's start day + 7(N-1), whatever the weekday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.plan.weeks import plan_week, plan_week_of, summary_week

# Monday 2026-03-02 … Sunday 2026-03-08: one start on each weekday.
STARTS = [date(2026, 3, 2) + timedelta(days=offset) for offset in range(7)]


@pytest.mark.parametrize("start", STARTS, ids=lambda day: f"{day:%a}")
def test_week_n_is_seven_days_from_the_start_day_on_every_weekday(start: date) -> None:
    for number in (1, 2, 6):
        week = plan_week(number, start)
        assert week.first_day == start + timedelta(days=7 * (number - 1))
        assert week.last_day == week.first_day + timedelta(days=6)
        assert week.first_day.weekday() == start.weekday()
        for day in week.days:
            assert plan_week_of(day, start) == week
    assert plan_week_of(start - timedelta(days=1), start).number == 0
    assert plan_week_of(start - timedelta(days=7), start).number == 0
    assert plan_week_of(start - timedelta(days=8), start).number == -1


@pytest.mark.parametrize("start", STARTS, ids=lambda day: f"{day:%a}")
def test_the_weekly_days_summary_covers_its_plan_week_or_the_one_just_finished(
    start: date,
) -> None:
    week_two = plan_week(2, start)
    # Any day of week 2 but its first: week 2 so far.
    for day in week_two.days[1:]:
        assert summary_week(day, start) == week_two
    # The first day of week 2: week 1, just finished.
    assert summary_week(week_two.first_day, start) == plan_week(1, start)
    # The start day itself: week 1 (there is no finished week before it to sum up).
    assert summary_week(start, start).number == 1


def test_a_plan_started_on_sunday_seen_on_monday_is_in_week_one() -> None:
    # Issue 11: /plan said "第 1 周 (03-08 – 03-14)", /week said "Week 2 (03-09 – 03-15)".
    week = plan_week_of(date(2026, 3, 9), date(2026, 3, 8))
    assert (week.number, week.first_day, week.last_day) == (
        1,
        date(2026, 3, 8),
        date(2026, 3, 14),
    )
