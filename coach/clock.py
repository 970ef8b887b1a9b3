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
    agree on the time, so a restarted bot sees the timeline its predecessor saw. For tests
    and demos, `start` (Unix time) is what the clock reads at the anchor, so a test can put
    the coach on a DST transition day or a minute before a nudge; without it the clock reads
    real time at the anchor.
    """

    def __init__(
        self, speed: float = 1.0, anchor: float | None = None, start: float | None = None
    ) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self.anchor = time.time() if anchor is None else anchor
        self.start = self.anchor if start is None else start

    def _epoch_now(self) -> float:
        real = time.time()
        return self.start + (real - self.anchor) * self.speed

    def now(self) -> datetime:
        """The current instant on this clock, in UTC."""
        return datetime.fromtimestamp(self._epoch_now(), tz=UTC)

    def real_seconds_until(self, instant: datetime) -> float:
        """Real seconds until `instant` on this clock."""
        return max(0.0, (instant.timestamp() - self._epoch_now()) / self.speed)
