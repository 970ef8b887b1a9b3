"""Streaks: consecutive local days that met the Minimum Viable Day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def streak_days(
    active_days: Collection[date], today: date, rest_days: Collection[date] = frozenset()
) -> int:
    """Consecutive days with a completed block up to today (or yesterday, while today is open).

    Rest days (a pause the learner announced) neither count nor break the streak.
    """
    day = today if today in active_days or today in rest_days else today - timedelta(days=1)
    count = 0
    while day in active_days or day in rest_days:
        if day in active_days:
            count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(active_days: Collection[date], rest_days: Collection[date] = ()) -> int:
    """The most active days in a row, by the rules of `streak_days`: rest days neither count
    nor break a streak."""
    best = run = 0
    if not active_days:
        return 0
    day, last = min(active_days), max(active_days)
    while day <= last:
        if day in active_days:
            run += 1
            best = max(best, run)
        elif day not in rest_days:
            run = 0
        day += timedelta(days=1)
    return best
