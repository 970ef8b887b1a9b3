"""The coach's notion of "now": real time in production, optionally faster in tests and demos."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant and how long to wait, in real seconds, until a later one."""

    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...

    def real_seconds_until(self, instant: datetime) -> float:
        """Real seconds to sleep until `instant` is reached on this clock (0 if past)."""
        ...


class ScaledClock:
    """A clock that runs `speed` times faster than real time from an anchor instant.

    With speed 1 it is the system clock. Two processes given the same anchor and speed
    agree on the time, so a restarted bot sees the timeline its predecessor saw.
    """

    def __init__(self, speed: float = 1.0, anchor: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self.anchor = time.time() if anchor is None else anchor

    def _epoch_now(self) -> float:
        real = time.time()
        return self.anchor + (real - self.anchor) * self.speed

    def now(self) -> datetime:
        """The current instant on this clock, in UTC."""
        return datetime.fromtimestamp(self._epoch_now(), tz=UTC)

    def real_seconds_until(self, instant: datetime) -> float:
        """Real seconds until `instant` on this clock."""
        return max(0.0, (instant.timestamp() - self._epoch_now()) / self.speed)
