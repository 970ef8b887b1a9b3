"""Long polling with a durable inbox: updates are stored, then confirmed, then handled.

python-telegram-bot's own updater confirms a batch (by asking for the next offset) as soon
as it has fetched it, so a crash mid-handling loses those updates; confirming only after
handling instead would let one slow update (a model call) hold back everyone else's. Here
each fetched batch is written to the `inbox_updates` table first, so the next getUpdates
may confirm it at once. Updates are then handled concurrently — one learner's in order,
different learners side by side — and removed from the inbox when done. At start-up,
whatever the inbox still holds (the process died mid-handling) is handled first; the update
ledger (see `bot.handling.with_session`) makes sure nothing is done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.handling import RunningSlot, running_slot
from db.repositories import UpdateInbox
from jobs.context import CoachApplication
from jobs.services import Services

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BACKOFF = 30.0
# Updates accepted at once (queued behind their learner's earlier ones, or running);
# fetching pauses while this many are in flight.
MAX_IN_FLIGHT = 256
# Handlers running at once. More only lengthens the queues of the database and HTTP
# connection pools (bench/throughput.py: 8 beat 16 and 32; BENCHMARKS.md); fewer would let
# Telegram's round trips (50-300 ms, during which a handler keeps its place while it
# replies) cap the bot below Telegram's 30 messages a second. An update waiting on a model
# call gives its place up (bot.handling.pause_for_slow_io).
MAX_RUNNING = 8
# On a clean stop, how long updates in flight may take to finish (the rest stay in the inbox).
DRAIN_SECONDS = 20.0
# Handled updates leave the inbox together, a moment after the first of them finished: one
# DELETE for many saves a transaction per update. One the process dies before clearing is
# handled again at the next start, and the update ledger turns that into a no-op.
CLEAR_DELAY_SECONDS = 0.2


class UpdatePump:
    """Hands updates to the application: per learner in order, learners concurrently."""

    def __init__(self, application: CoachApplication, services: Services) -> None:
        self.application = application
        self.services = services
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._running = asyncio.Semaphore(MAX_RUNNING)
        self._tails: dict[int | None, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._handled: list[int] = []
        self._clearing: asyncio.Task[None] | None = None

    async def store(self, updates: Sequence[Update]) -> None:
        """Write a fetched batch to the inbox (before it is confirmed to Telegram)."""
        rows = [(update.update_id, json.dumps(update.to_dict())) for update in updates]
        async with self.services.database.session() as session:
            await UpdateInbox(session).add(rows, self.services.clock.now())
            await session.commit()

    async def stored(self) -> list[Update]:
        """Updates a previous run stored but did not finish."""
        async with self.services.database.session() as session:
            rows = await UpdateInbox(session).pending()
        bot = self.application.bot
        updates = [Update.de_json(json.loads(row.payload), bot) for row in rows]
        return [update for update in updates if update is not None]

    async def dispatch(self, update: Update) -> None:
        """Start handling `update` after the same learner's earlier ones."""
        await self._slots.acquire()
        user = update.effective_user
        key = user.id if user else None
        task = asyncio.create_task(self._handle(self._tails.get(key), update))
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(key, done))

    def _finished(self, key: int | None, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _handle(self, previous: asyncio.Task[None] | None, update: Update) -> None:
        if previous is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(previous)
        # process_update sends handler errors to the error handler; it does not raise them.
        slot = RunningSlot(self._running)
        await slot.take()
        running_slot.set(slot)  # this task's own context: seen by this update's handlers
        try:
            await self.application.process_update(update)
        finally:
            slot.give_back()
        self._handled.append(update.update_id)
        if self._clearing is None or self._clearing.done():
            self._clearing = asyncio.create_task(self._clear_soon())

    async def _clear_soon(self) -> None:
        # Updates that finish while a DELETE is on its way go in the next one.
        while self._handled:
            await asyncio.sleep(CLEAR_DELAY_SECONDS)
            await self.clear()

    async def clear(self) -> None:
        """Remove the updates handled so far from the inbox."""
        handled, self._handled = self._handled, []
        if not handled:
            return
        try:
            async with self.services.database.session() as session:
                await UpdateInbox(session).remove(handled)
                await session.commit()
        except Exception:
            # Left in the inbox they are handled again at the next start; the ledger skips them.
            log.warning("could not clear %d updates from the inbox", len(handled), exc_info=True)

    async def drain(self, seconds: float) -> None:
        """Wait for updates in flight; cancel what is still running after `seconds`."""
        if self._tasks:
            _, running = await asyncio.wait(set(self._tasks), timeout=seconds)
            await self.cancel(running)

    async def cancel(self, tasks: set[asyncio.Task[None]] | None = None) -> None:
        """Stop handling now; unfinished updates stay in the inbox for the next start."""
        running = set(self._tasks) if tasks is None else tasks
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        if self._clearing is not None:
            await asyncio.gather(self._clearing, return_exceptions=True)
        await self.clear()


async def serve(application: CoachApplication, stop: asyncio.Event, poll_timeout: int = 25) -> None:
    """Run the application until `stop` is set, then shut it down cleanly."""
    services = application.bot_data.services
    assert services is not None
    pump = UpdatePump(application, services)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        # Long polling runs one process at a time: replies an earlier one was sending when it
        # stopped are this one's to send, now rather than after their lease.
        await services.replies.take_over()
        await application.start()
        await application.bot.delete_webhook()
        for update in await pump.stored():
            await pump.dispatch(update)
        await _poll(application, pump, stop, poll_timeout)
        await pump.drain(DRAIN_SECONDS)
    finally:
        await pump.cancel()
        if application.running:
            await application.stop()
        await application.shutdown()


async def _poll(
    application: CoachApplication, pump: UpdatePump, stop: asyncio.Event, poll_timeout: int
) -> None:
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
            if updates:
                await pump.store(updates)
        except RetryAfter as error:
            await _sleep(_seconds(error.retry_after), stop)
            continue
        except TimedOut:
            continue
        except InvalidToken:
            raise
        except Exception as error:  # network trouble, or the database refusing the inbox write
            if not isinstance(error, NetworkError | TelegramError):
                log.exception("could not store fetched updates; Telegram will send them again")
            else:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
            await _sleep(backoff, stop)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        if updates is None:
            break
        backoff = 1.0
        if updates:
            offset = updates[-1].update_id + 1
            for update in updates:
                await pump.dispatch(update)
    if offset is not None:
        # Confirm the last batch (it is in the inbox) so a restart does not fetch it again.
        with contextlib.suppress(TelegramError):
            await application.bot.get_updates(offset=offset, timeout=0, limit=1)


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
