"""Telegram's flood limit on the client side: at most N messages in any sliding second.

python-telegram-bot's AIORateLimiter is a leaky bucket: with a bucket of 30 a first burst can
put about 60 messages into one second, and with a bucket of 1 every late wake-up of the event
loop is lost for good (a loaded machine then sends well under the rate). This limiter keeps
the last N messages: a new one may start only when fewer than N were in flight or answered
within the last second. Counting a message until a second after its *answer* (not its start)
makes the limit hold at Telegram's end whatever the delays in between: a message arrives
before it is answered, so the one N places later arrives more than a second after it.

Like AIORateLimiter, a 429 pauses every request for its retry_after and retries the request
(up to `max_retries` times); only requests addressed to a chat count against the limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class _Slot:
    """One message's place in the window: taken when it starts, held a second past its answer."""

    __slots__ = ("answered_at",)

    def __init__(self) -> None:
        self.answered_at = math.inf


class SlidingWindowRateLimiter(BaseRateLimiter[int]):
    """At most `per_second` messages in any one-second window (plus `margin` seconds).

    A rate of 0 turns the window off (a local Bot API server, a benchmark); a 429 is still
    retried after its retry_after.
    """

    def __init__(self, per_second: float, *, margin: float = 0.0, max_retries: int = 3) -> None:
        if per_second != 0 and per_second < 1:
            raise ValueError("the rate must be 0 (off) or at least one message per second")
        self.limit = math.floor(per_second)
        self.window = 1.0 + margin
        self.max_retries = max_retries
        self._slots: list[_Slot] = []
        self._changed = asyncio.Condition()
        self._not_paused = asyncio.Event()
        self._not_paused.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def _take_slot(self) -> _Slot:
        """Wait until one more message fits in the window, and take its place."""
        loop = asyncio.get_running_loop()
        async with self._changed:
            while True:
                now = loop.time()
                self._slots = [s for s in self._slots if s.answered_at > now - self.window]
                if len(self._slots) < self.limit:
                    slot = _Slot()
                    self._slots.append(slot)
                    return slot
                answered = [s.answered_at for s in self._slots if s.answered_at != math.inf]
                # Wake when the oldest answered one leaves the window, or another is answered.
                timeout = min(answered) + self.window - now if answered else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)

    async def _answered(self, slot: _Slot) -> None:
        async with self._changed:
            slot.answered_at = asyncio.get_running_loop().time()
            self._changed.notify_all()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Send when the window has room; on a 429 pause everything for retry_after and retry."""
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        counted = self.limit > 0 and data.get("chat_id") is not None
        for attempt in range(retries + 1):
            await self._not_paused.wait()
            slot = await self._take_slot() if counted else None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                pause = _seconds(error) + 0.1
                log.info("rate limited by Telegram; pausing all requests for %.1f s", pause)
                self._not_paused.clear()
                try:
                    await asyncio.sleep(pause)
                finally:
                    self._not_paused.set()
            finally:
                if slot is not None:
                    await self._answered(slot)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _seconds(error: RetryAfter) -> float:
    # `retry_after` is read through the private field to avoid PTB's deprecation warning about
    # its coming timedelta type; both int and timedelta are handled.
    value: Any = getattr(error, "_retry_after", None)
    if value is None:
        with contextlib.suppress(Exception):
            value = error.retry_after
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value or 1)
