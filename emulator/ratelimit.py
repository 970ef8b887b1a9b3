"""Telegram's flood limit, enforced: at most N messages in any sliding window of W seconds.

Telegram allows a bot about 30 messages per second overall; beyond that it answers
429 Too Many Requests with a `retry_after`. Only calls that send a message count.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


def counts_as_message(method: str) -> bool:
    """Whether a Bot API call sends a message (chat actions and edits do not count here)."""
    return method.startswith(("send", "copy", "forward")) and method != "sendChatAction"


class SlidingWindowLimit:
    """Admits at most `limit` calls in any `window` seconds; refusals don't use up a slot."""

    def __init__(
        self, limit: int, window: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("the limit must be at least 1 message in a positive window")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._admitted: deque[float] = deque()
        self.admitted = 0
        self.refused = 0

    def admit(self) -> int | None:
        """None if the call may go ahead; otherwise the whole seconds to wait (retry_after)."""
        now = self._clock()
        while self._admitted and self._admitted[0] <= now - self.window:
            self._admitted.popleft()
        if len(self._admitted) < self.limit:
            self._admitted.append(now)
            self.admitted += 1
            return None
        self.refused += 1
        return max(1, math.ceil(self._admitted[0] + self.window - now))
