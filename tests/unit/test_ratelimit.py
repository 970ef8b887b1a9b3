"""The client-side flood limit: never more than N messages in any second, 429s waited out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import SlidingWindowRateLimiter


def _max_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def test_no_second_ever_holds_more_than_the_limit_even_with_slow_answers() -> None:
    limiter = SlidingWindowRateLimiter(4)
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []

    async def telegram(delay: float) -> dict[str, Any]:
        # The message "arrives" somewhere between leaving and being answered.
        await asyncio.sleep(delay / 2)
        arrivals.append(loop.time())
        await asyncio.sleep(delay / 2)
        return {"ok": True}

    started = loop.time()
    await asyncio.gather(
        *(
            limiter.process_request(
                telegram, (0.05 * (n % 3),), {}, "sendMessage", {"chat_id": n}, None
            )
            for n in range(6)
        )
    )
    assert len(arrivals) == 6
    assert _max_in_any_window(sorted(arrivals), 1.0) <= 4
    assert loop.time() - started >= 1.0, "6 messages at 4 per second need a second window"


async def test_calls_without_a_chat_are_not_counted() -> None:
    limiter = SlidingWindowRateLimiter(1)
    loop = asyncio.get_running_loop()

    async def answer() -> bool:
        return True

    started = loop.time()
    for _ in range(5):
        assert await limiter.process_request(answer, (), {}, "getMe", {}, None) is True
    assert loop.time() - started < 0.5


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_pauses_and_retries_then_gives_up_after_max_retries() -> None:
    limiter = SlidingWindowRateLimiter(30, max_retries=2)
    attempts: list[int] = []

    async def flooded(times: int) -> str:
        attempts.append(1)
        if len(attempts) <= times:
            raise RetryAfter(0)
        return "sent"

    assert (
        await limiter.process_request(flooded, (2,), {}, "sendMessage", {"chat_id": 1}, None)
        == "sent"
    )
    assert len(attempts) == 3
    attempts.clear()
    with pytest.raises(RetryAfter):
        await limiter.process_request(flooded, (5,), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(attempts) == 3, "one try and two retries"
