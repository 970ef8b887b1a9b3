"""Waiting for a condition that other tasks or processes make true."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

POLL_SECONDS = 0.05


async def eventually(condition: Callable[[], bool], within: float = 15.0) -> None:
    """Return once `condition()` holds; fail with TimeoutError after `within` seconds."""
    async with asyncio.timeout(within):
        # The state lives in other tasks or processes that do not signal us.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(POLL_SECONDS)
