"""Unit tests for the getUpdates queue: confirmation, long polling, allowed_updates, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest

from emulator.errors import ApiError
from emulator.updates import UpdateQueue

pytestmark = pytest.mark.asyncio


def push_messages(queue: UpdateQueue, count: int) -> None:
    for n in range(count):
        queue.push({"message": {"n": n}})


async def test_offset_confirms_and_redelivers_the_rest() -> None:
    queue = UpdateQueue()
    push_messages(queue, 3)
    first = await queue.get(None, 100, 0)
    assert [u["update_id"] for u in first] == [1, 2, 3]
    # Nothing was confirmed, so a restarted consumer sees them all again.
    assert [u["update_id"] for u in await queue.get(None, 2, 0)] == [1, 2]
    assert [u["update_id"] for u in await queue.get(3, 100, 0)] == [3]
    assert [u["update_id"] for u in queue.pending()] == [3]
    assert await queue.get(4, 100, 0) == []
    assert queue.pending() == []


async def test_negative_offset_keeps_the_newest() -> None:
    queue = UpdateQueue()
    push_messages(queue, 5)
    assert [u["update_id"] for u in await queue.get(-2, 100, 0)] == [4, 5]


async def test_long_poll_wakes_on_new_update() -> None:
    queue = UpdateQueue()
    started = time.monotonic()
    poll = asyncio.create_task(queue.get(None, 100, 5))
    await asyncio.sleep(0.05)
    push_messages(queue, 1)
    result = await poll
    assert [u["update_id"] for u in result] == [1]
    assert time.monotonic() - started < 1


async def test_long_poll_times_out_empty() -> None:
    queue = UpdateQueue()
    started = time.monotonic()
    assert await queue.get(None, 100, 0.1) == []
    assert time.monotonic() - started >= 0.09


async def test_newer_poll_terminates_older_one() -> None:
    queue = UpdateQueue()
    old = asyncio.create_task(queue.get(None, 100, 5))
    await asyncio.sleep(0.01)
    new = asyncio.create_task(queue.get(None, 100, 0.05))
    with pytest.raises(ApiError) as info:
        await old
    assert info.value.status == 409
    assert await new == []


async def test_allowed_updates_filter_new_updates() -> None:
    queue = UpdateQueue()
    assert not queue.allows("chat_member")
    queue.set_allowed(["callback_query"])
    _, queued = queue.push({"message": {}})
    assert not queued
    _, queued = queue.push({"callback_query": {}})
    assert queued
    queue.set_allowed(None)  # not given: the previous setting stays
    assert not queue.allows("message")
    queue.set_allowed([])  # empty: back to the default
    assert queue.allows("message")


async def test_close_releases_pollers() -> None:
    queue = UpdateQueue()
    poll = asyncio.create_task(queue.get(None, 100, 5))
    await asyncio.sleep(0.01)
    queue.close()
    assert await asyncio.wait_for(poll, 1) == []
