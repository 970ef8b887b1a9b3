"""Waiting on the reply outbox, whose rows other processes change."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from db.database import Database
from db.models import OutboxReply

POLL_SECONDS = 0.05


async def outbox_holds(database_url: str, replies: int, within: float = 10.0) -> None:
    """Wait until the outbox holds exactly `replies` replies (0: all accepted and cleared).

    A test that kills the bot right after a reply uses this first: a kill between Telegram
    accepting a reply and its row being cleared sends it again (at least once, by design).
    """
    database = Database(database_url)
    try:
        async with asyncio.timeout(within):
            while True:
                async with database.session() as session:
                    count = await session.scalar(select(func.count()).select_from(OutboxReply))
                if count == replies:
                    return
                await asyncio.sleep(POLL_SECONDS)
    finally:
        await database.dispose()
