"""A broadcast wake-up for coroutines waiting on emulator state changes."""

from __future__ import annotations

import asyncio
import contextlib


class Signal:
    """Wakes every current waiter on fire(); safe to fire from another thread."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def fire(self) -> None:
        """Wake all coroutines currently waiting."""
        loop = self._loop
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire)
        else:
            self._fire()

    def _fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    def waiter(self) -> asyncio.Event:
        """Capture the event to await, before checking the condition it guards."""
        self._loop = asyncio.get_running_loop()
        return self._event

    @staticmethod
    async def wait(event: asyncio.Event, seconds: float) -> bool:
        """Wait for a captured event; False on timeout."""
        if seconds <= 0:
            return event.is_set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
        return event.is_set()
