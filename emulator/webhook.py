"""Webhook delivery: POST each pending update to the bot's URL until it answers 2xx.

Like Telegram: the secret token from setWebhook travels in X-Telegram-Bot-Api-Secret-Token;
a non-2xx answer, a timeout or a refused connection leaves the update pending and it is
tried again after a growing delay; updates of one chat go one at a time and in order,
different chats side by side up to max_connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from emulator.updates import UpdateQueue, update_type
from emulator.wakeup import Signal

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookPolicy:
    """How patiently updates are delivered (tests shorten these)."""

    timeout: float = 30.0
    first_retry_delay: float = 0.2
    max_retry_delay: float = 2.0


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of an update: the HTTP status, or the error when there was no answer."""

    update_id: int
    url: str
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the bot took the update (2xx)."""
        return self.status is not None and 200 <= self.status <= 299


@dataclass
class WebhookTarget:
    """What setWebhook asked for."""

    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    attempts: list[DeliveryAttempt] = field(default_factory=list)


def lane_of(update: dict[str, Any]) -> object:
    """The chat (or user) whose updates must stay in order; unique for the rest."""
    payload = update.get(update_type(update))
    if isinstance(payload, dict):
        chat = payload.get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        for key in ("from", "user", "voter_chat"):
            who = payload.get(key)
            if isinstance(who, dict) and "id" in who:
                return ("user", who["id"])
    return ("update", update.get("update_id"))


class WebhookDelivery:
    """Pushes the queue's updates to a webhook; started by setWebhook, stopped by delete."""

    def __init__(self, queue: UpdateQueue, target: WebhookTarget, policy: WebhookPolicy) -> None:
        self.queue = queue
        self.target = target
        self.policy = policy
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._busy_lanes: set[object] = set()
        self._failures: dict[int, int] = {}
        self._not_before: dict[int, float] = {}
        self._wake = Signal()

    @property
    def running(self) -> bool:
        """Whether delivery is active."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Begin delivering (from the emulator's event loop)."""
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="webhook-delivery")

    async def stop(self) -> None:
        """Stop delivering; updates in flight stay pending unless they were already taken."""
        task, self._task = self._task, None
        tasks = [t for t in (task, *self._in_flight.values()) if t is not None]
        for pending in tasks:
            pending.cancel()
        for pending in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await pending
        self._in_flight.clear()
        self._busy_lanes.clear()

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                queue_event = self.queue.waiter()
                wake_event = self._wake.waiter()
                next_retry = self._dispatch(session)
                wait = 1.0 if next_retry is None else max(0.0, next_retry - time.monotonic())
                waiters = [asyncio.ensure_future(e.wait()) for e in (queue_event, wake_event)]
                try:
                    await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in waiters:
                        waiter.cancel()

    def _dispatch(self, session: aiohttp.ClientSession) -> float | None:
        """Start deliveries that may go now; returns the earliest pending retry instant."""
        now = time.monotonic()
        earliest: float | None = None
        seen_lanes: set[object] = set()
        for update in self.queue.pending():
            update_id = int(update["update_id"])
            lane = lane_of(update)
            if lane in seen_lanes:
                continue  # an earlier update of this chat goes first
            seen_lanes.add(lane)
            if update_id in self._in_flight or lane in self._busy_lanes:
                continue
            not_before = self._not_before.get(update_id, 0.0)
            if not_before > now:
                earliest = not_before if earliest is None else min(earliest, not_before)
                continue
            if len(self._in_flight) >= self.target.max_connections:
                break
            self._busy_lanes.add(lane)
            self._in_flight[update_id] = asyncio.create_task(
                self._deliver(session, update, lane), name=f"webhook-update-{update_id}"
            )
        return earliest

    async def _deliver(
        self, session: aiohttp.ClientSession, update: dict[str, Any], lane: object
    ) -> None:
        update_id = int(update["update_id"])
        headers = {}
        if self.target.secret_token:
            headers[SECRET_HEADER] = self.target.secret_token
        attempt: DeliveryAttempt
        try:
            async with session.post(self.target.url, json=update, headers=headers) as response:
                await response.read()
                attempt = DeliveryAttempt(update_id, self.target.url, response.status)
        except (aiohttp.ClientError, TimeoutError) as error:
            attempt = DeliveryAttempt(update_id, self.target.url, None, repr(error))
        finally:
            self._in_flight.pop(update_id, None)
            self._busy_lanes.discard(lane)
        self.target.attempts.append(attempt)
        if attempt.ok:
            self.queue.remove(update_id)
            self._failures.pop(update_id, None)
            self._not_before.pop(update_id, None)
        else:
            failures = self._failures.get(update_id, 0) + 1
            self._failures[update_id] = failures
            delay = min(
                self.policy.first_retry_delay * 2 ** (failures - 1), self.policy.max_retry_delay
            )
            self._not_before[update_id] = time.monotonic() + delay
            self.target.last_error_date = int(time.time())
            self.target.last_error_message = (
                f"Wrong response from the webhook: {attempt.status}"
                if attempt.status is not None
                else f"Connection failed: {attempt.error}"
            )
            logger.info(
                "webhook delivery of update %s failed (%s); retrying in %.2f s",
                update_id,
                attempt.status or attempt.error,
                delay,
            )
        self._wake.fire()
