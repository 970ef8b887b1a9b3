"""Streaks: consecutive local days that met the Minimum Viable Day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def streak_days(active_days: Collection[date], today: date) -> int:
    """Consecutive days with a completed block up to today (or yesterday, while today is open)."""
    day = today if today in active_days else today - timedelta(days=1)
    count = 0
    while day in active_days:
        count += 1
        day -= timedelta(days=1)
    return count
