"""A clock tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ManualClock:
    """A clock tests move by hand (for coach unit tests without timers)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current instant."""
        return self.current

    def real_seconds_until(self, instant: datetime) -> float:
        """Seconds until `instant` (the manual clock never moves by itself)."""
        return max(0.0, (instant - self.current).total_seconds())

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's worth of keyword arguments."""
        self.current += timedelta(**delta)
