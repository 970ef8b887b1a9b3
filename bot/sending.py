"""Outgoing Bot API calls: Telegram's flood limit, and a bounded retry of transient failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut

from bot.ratelimit import SlidingWindowRateLimiter

log = logging.getLogger(__name__)

# A 429 is retried this many times after its retry_after.
RATE_LIMIT_RETRIES = 3
# A 5xx answer or a connection that died before any answer is retried this many times.
TRANSIENT_RETRIES = 3
FIRST_BACKOFF = 0.25

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def is_transient(error: Exception) -> bool:
    """A failure after which the call did not happen and may be sent again.

    A 5xx or a dropped connection means Telegram did not act on the call. A timeout does
    not: the message may have been delivered, so it is not repeated (no duplicates).
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


class ResilientRateLimiter(SlidingWindowRateLimiter):
    """The flood limit and 429 retries, plus bounded retries of transient errors."""

    def __init__(self, per_second: float) -> None:
        super().__init__(per_second, max_retries=RATE_LIMIT_RETRIES)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Send through the flood limiter; retry a transient failure a few times, then raise."""
        backoff = FIRST_BACKOFF
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if not is_transient(error) or attempt == TRANSIENT_RETRIES:
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.2f s",
                    endpoint,
                    error,
                    attempt + 1,
                    TRANSIENT_RETRIES,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff *= 2
        raise AssertionError("unreachable: the loop returns or raises")
