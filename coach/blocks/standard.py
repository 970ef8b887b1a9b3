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
