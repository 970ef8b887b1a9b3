"""Long polling that confirms updates only after they were handled.

python-telegram-bot's own updater confirms a batch (by asking for the next offset) as soon
as it has fetched it, so a crash mid-handling loses those updates. Here the next offset is
requested only once the batch is done; a crash makes Telegram deliver the batch again, and
the update ledger (see `bot.handling.with_session`) makes sure nothing is done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import CoachApplication

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BACKOFF = 30.0
# Users handled side by side within a batch. A handful keeps the CPU busy (each waits mostly
# on the database and on Telegram); more only adds connections and wake-ups, and measurably
# cost throughput (bench/throughput.py: 4 beat 16 by about a third; see BENCHMARKS.md).
MAX_CONCURRENT_USERS = 4


async def serve(application: CoachApplication, stop: asyncio.Event, poll_timeout: int = 25) -> None:
    """Run the application until `stop` is set, then shut it down cleanly."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await application.bot.delete_webhook()
        await _poll(application, stop, poll_timeout)
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()


async def _poll(application: CoachApplication, stop: asyncio.Event, poll_timeout: int) -> None:
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        try:
            updates = await _until_stopped(
                application.bot.get_updates(
                    offset=offset, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
                ),
                stop,
            )
        except RetryAfter as error:
            await _sleep(_seconds(error.retry_after), stop)
            continue
        except TimedOut:
            continue
        except InvalidToken:
            raise
        except (NetworkError, TelegramError) as error:
            log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
            await _sleep(backoff, stop)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        if updates is None:
            break
        backoff = 1.0
        if updates:
            await _handle_batch(application, updates)
            offset = updates[-1].update_id + 1
    if offset is not None:
        # Confirm the last batch so a clean restart does not see it again.
        with contextlib.suppress(TelegramError):
            await application.bot.get_updates(offset=offset, timeout=0, limit=1)


async def _handle_batch(application: CoachApplication, updates: tuple[Update, ...]) -> None:
    """Handle a batch: each user's updates in order, different users side by side."""
    lanes: defaultdict[int | None, list[Update]] = defaultdict(list)
    for update in updates:
        user = update.effective_user
        lanes[user.id if user else None].append(update)

    slots = asyncio.Semaphore(MAX_CONCURRENT_USERS)

    async def run_lane(lane: list[Update]) -> None:
        async with slots:
            for update in lane:
                await application.process_update(update)

    await asyncio.gather(*(run_lane(lane) for lane in lanes.values()))


async def _until_stopped(awaitable: Coroutine[Any, Any, T], stop: asyncio.Event) -> T | None:
    """Await `awaitable` unless `stop` is set first (then cancel it and return None)."""
    task = asyncio.ensure_future(awaitable)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task in done:
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, TelegramError):
        await task
    return None


async def _sleep(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    return float(total_seconds()) if callable(total_seconds) else float(value)  # type: ignore[arg-type]
