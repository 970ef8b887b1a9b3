"""The pending-update queue behind getUpdates: offsets, long polling and allowed_updates."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from typing import Any

from emulator.errors import ApiError
from emulator.wakeup import Signal

# Telegram's default when allowed_updates was never set (or set to []).
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def update_type(update: dict[str, Any]) -> str:
    """The payload key of an Update, e.g. 'message' or 'callback_query'."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Updates wait here until a getUpdates offset confirms them, as on Telegram's side."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._updates: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self._allowed: frozenset[str] | None = None
        self._signal = Signal()
        self._poll_serial = 0
        self._closed = False

    def allows(self, kind: str) -> bool:
        """Whether the current allowed_updates setting lets this update type be created."""
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    def push(self, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Number an update and queue it if allowed; returns (update, queued)."""
        update = {"update_id": self._next_id, **payload}
        self._next_id += 1
        queued = self.allows(update_type(update))
        if queued:
            self._updates.append(update)
            self._signal.fire()
        return update, queued

    def requeue(self, update: dict[str, Any]) -> None:
        """Put an update back (same update_id, in id order), as Telegram redelivers it."""
        update_id = update["update_id"]
        if any(u["update_id"] == update_id for u in self._updates):
            return
        self._updates.append(update)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._signal.fire()

    def remove(self, update_id: int) -> None:
        """Drop one update the bot took (a webhook answered 2xx)."""
        self._updates = [u for u in self._updates if u["update_id"] != update_id]

    def waiter(self) -> asyncio.Event:
        """An event set when updates are queued (capture it before looking at the queue)."""
        return self._signal.waiter()

    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed."""
        return list(self._updates)

    def drop_all(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self._updates.clear()

    def confirm(self, offset: int) -> None:
        """Apply a getUpdates offset: drop ids below it; a negative one keeps the last -offset."""
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def set_allowed(self, allowed: Collection[str] | None) -> None:
        """Remember allowed_updates; an empty list restores the default."""
        if allowed is None:
            return
        self._allowed = frozenset(allowed) if allowed else None

    async def get(
        self, offset: int | None, limit: int, wait_seconds: float
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then return at most limit updates, waiting if none."""
        if offset is not None:
            self.confirm(offset)
        self._poll_serial += 1
        serial = self._poll_serial
        # A newer poll ends this one, like Telegram's "terminated by other getUpdates".
        self._signal.fire()
        deadline = time.monotonic() + max(0.0, wait_seconds)
        while True:
            event = self._signal.waiter()
            if serial != self._poll_serial:
                raise ApiError(409, CONFLICT)
            if self._updates or self._closed:
                return self._updates[: max(1, min(limit, 100))]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await Signal.wait(event, remaining)

    def reopen(self) -> None:
        """Accept long polls again after close()."""
        self._closed = False

    def close(self) -> None:
        """Release all long polls (server shutdown)."""
        self._closed = True
        self._signal.fire()
