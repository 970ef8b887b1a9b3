"""The learner's weeks: seven local days that end on the weekly summary's weekday.

With the default summary on Sunday a week is Monday to Sunday. Week 1 of the plan is the
week that holds the start of the learner's plan (`/plan start`, by default their first
contact); the summary sent on the last day of a week covers that week, and `/week N` shows
week N.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SUNDAY = 6


@dataclass(frozen=True)
class Week:
    """One week of the plan: its number and its first and last local dates."""

    number: int
    first_day: date
    last_day: date

    @property
    def days(self) -> tuple[date, ...]:
        """The seven dates, in order."""
        return tuple(self.first_day + timedelta(days=offset) for offset in range(7))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day


def week_end(day: date, ends_on: int = SUNDAY) -> date:
    """The last day of the week holding `day`."""
    return day + timedelta(days=(ends_on - day.weekday()) % 7)


def week_of(day: date, plan_start: date, ends_on: int = SUNDAY) -> Week:
    """The week holding `day`, numbered from the week of the plan's start (week 1)."""
    last = week_end(day, ends_on)
    number = (last - week_end(plan_start, ends_on)).days // 7 + 1
    return Week(number, last - timedelta(days=6), last)


def week_number(number: int, plan_start: date, ends_on: int = SUNDAY) -> Week:
    """Week `number` of the plan (1 is the week of the plan's start)."""
    last = week_end(plan_start, ends_on) + timedelta(days=7 * (number - 1))
    return Week(number, last - timedelta(days=6), last)
