"""Plan weeks: the one home of week arithmetic.

Week N is the plan's week N: it starts on the plan's start day (`/plan start`, by default the
learner's first contact) plus 7·(N−1) days and lasts 7 days, whatever the weekday. `/plan`,
`/today`, `/week`, the nudge, the scheduled weekly summary, its chart and the 小结 draft all
number weeks here. Days before the start fall in week 0 (a plan's preparation week) or earlier.

The scheduled summary is sent on the learner's weekly day, which need not be the last day of
a plan week. It covers the plan week holding that day, so far; on the first day of a plan week
(after week 1) it covers the week just finished instead (`summary_week`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Week:
    """One week of the plan: its number and its first and last local dates."""

    number: int
    first_day: date
    last_day: date

    @property
    def days(self) -> tuple[date, ...]:
        """The seven dates, in order."""
        return tuple(self.first_day + timedelta(days=offset) for offset in range(DAYS_PER_WEEK))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day


def plan_week(number: int, plan_start: date) -> Week:
    """Week `number` of the plan that starts on `plan_start` (week 1 starts that day)."""
    first = plan_start + timedelta(days=DAYS_PER_WEEK * (number - 1))
    return Week(number, first, first + timedelta(days=DAYS_PER_WEEK - 1))


def plan_week_of(day: date, plan_start: date) -> Week:
    """The plan week holding `day` (number ≤ 0 before the start)."""
    return plan_week((day - plan_start).days // DAYS_PER_WEEK + 1, plan_start)


def summary_week(day: date, plan_start: date) -> Week:
    """The week the weekly summary sent on `day` covers: the plan week holding `day`, so far,
    or, on the first day of a plan week after week 1, the week just finished."""
    week = plan_week_of(day, plan_start)
    if day == week.first_day and week.number >= 2:
        return plan_week(week.number - 1, plan_start)
    return week
