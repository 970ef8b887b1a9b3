"""Streak counting."""

from __future__ import annotations

from datetime import date

from coach.blocks.standard import streak_days

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
