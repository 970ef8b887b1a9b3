"""Micro-batching: requests waiting together run as one batch, each caller gets its own result."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from worker.batching import MicroBatcher
from worker.errors import ModelUnavailable


async def test_waiting_requests_share_a_batch_and_get_their_own_results() -> None:
    batches: list[list[int]] = []
    threads: set[str] = set()
    release = threading.Event()

    def square(items: Sequence[int]) -> list[int | Exception]:
        threads.add(threading.current_thread().name)
        release.wait(timeout=10)
        batches.append(list(items))
        return [ValueError(f"no {item}") if item == 13 else item * item for item in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(square, max_batch_size=8, name="test")
    batcher.start()
    try:
        first = asyncio.ensure_future(batcher.submit(1))
        await asyncio.sleep(0.05)  # the first request is on the thread, blocked
        rest = [asyncio.ensure_future(batcher.submit(n)) for n in range(2, 18)]
        await asyncio.sleep(0.05)
        release.set()
        results = await asyncio.gather(first, *rest, return_exceptions=True)
    finally:
        await batcher.stop()
    assert batches == [[1], list(range(2, 10)), list(range(10, 18))]
    assert results[:12] == [n * n for n in range(1, 13)]
    assert isinstance(results[12], ValueError) and str(results[12]) == "no 13"
    assert results[13:] == [n * n for n in range(14, 18)]
    assert threads == {"test_0"}, "every batch runs on the one worker thread"
    assert (batcher.stats.requests, batcher.stats.batches, batcher.stats.largest_batch) == (
        17,
        3,
        8,
    )


async def test_a_failing_batch_fails_only_its_callers_and_the_loop_goes_on() -> None:
    calls = 0

    def flaky(items: Sequence[str]) -> list[str | Exception]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("out of memory")
        return [item.upper() for item in items]

    batcher: MicroBatcher[str, str] = MicroBatcher(flaky, max_batch_size=4)
    batcher.start()
    try:
        with pytest.raises(RuntimeError, match="out of memory"):
            await batcher.submit("a")
        assert await batcher.submit("b") == "B"
    finally:
        await batcher.stop()
    with pytest.raises(ModelUnavailable):
        await batcher.submit("c")


async def test_a_wait_gathers_requests_that_arrive_shortly_after() -> None:
    batches: list[list[int]] = []

    def record(items: Sequence[int]) -> list[int | Exception]:
        batches.append(list(items))
        return list(items)

    batcher: MicroBatcher[int, int] = MicroBatcher(record, max_batch_size=8, max_wait_s=0.5)
    batcher.start()
    try:
        first = asyncio.ensure_future(batcher.submit(1))
        await asyncio.sleep(0.1)
        second = asyncio.ensure_future(batcher.submit(2))
        assert await asyncio.gather(first, second) == [1, 2]
    finally:
        await batcher.stop()
    assert batches == [[1, 2]]
