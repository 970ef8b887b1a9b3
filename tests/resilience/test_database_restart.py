"""PostgreSQL restarted under traffic: what the bot confirmed survives, and it serves on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from db.migrate import upgrade_to_head
from emulator import BotApiEmulator, EmulatedUser
from tests.resilience.acks import AckLedger, until
from tests.support import postgres
from tests.support.network import free_port
from tests.support.running_bot import make_settings, start_bot
from tests.support.waiting import eventually

LEARNERS = 4


@pytest.fixture
async def own_postgres() -> AsyncIterator[postgres.ThrowawayPostgres]:
    reason = postgres.available()
    if reason is not None:
        pytest.skip(f"no throwaway PostgreSQL: {reason}")
    server = postgres.ThrowawayPostgres(free_port())
    try:
        await asyncio.to_thread(server.create)
        yield server
    finally:
        await asyncio.to_thread(server.remove)


async def _traffic(
    user: EmulatedUser, ledger: AckLedger, stop: asyncio.Event, confirmed_at: list[float]
) -> None:
    """A block, then notes one after another until told to stop."""
    topic = f"restart-{user.id}"
    since = len(user.messages)
    user.send_text(f"/block 1 {topic}")
    if await until(user, f"专注块开始：{topic}", since, within=20) is not None:
        ledger.add("block_started", user.id, topic)
    number = 0
    while not stop.is_set():
        number += 1
        note = f"note {user.id}-{number}"
        since = len(user.messages)
        user.send_text(f"/note {note}")
        if await until(user, "今天第", since, within=20, fresh=True) is not None:
            ledger.add("note", user.id, note)
            confirmed_at.append(time.monotonic())
    since = len(user.messages)
    if await until(user, f"专注块完成：{topic}", since, within=30) is not None:
        ledger.add("block_completed", user.id, topic)


async def test_a_postgresql_restart_under_traffic_loses_nothing_acknowledged(
    own_postgres: postgres.ThrowawayPostgres, emulator: BotApiEmulator
) -> None:
    url = own_postgres.url
    await asyncio.to_thread(upgrade_to_head, url)
    bot = await start_bot(make_settings(url, emulator.base_url))
    try:
        learners = [emulator.user(8000 + i, first_name=f"P{i}") for i in range(LEARNERS)]
        ledger, stop, confirmed_at = AckLedger(), asyncio.Event(), []
        traffic = asyncio.gather(*(_traffic(u, ledger, stop, confirmed_at) for u in learners))
        await eventually(lambda: len(confirmed_at) >= LEARNERS, within=30)
        await asyncio.to_thread(own_postgres.restart)
        restarted = time.monotonic()
        await eventually(
            lambda: sum(at > restarted for at in confirmed_at) >= 2 * LEARNERS, within=60
        )
        stop.set()
        await traffic
        await eventually(lambda: emulator.pending_updates() == [], within=30)

        assert await ledger.missing(url) == []
        kinds = [ack.kind for ack in ledger.acks]
        assert kinds.count("block_completed") == LEARNERS, "blocks ending in the outage end after"
        # And it keeps serving, everyone.
        for user in learners:
            since = len(user.messages)
            user.send_text("/status")
            assert await until(user, "连续达标", since, within=20, fresh=True) is not None
    finally:
        await bot.shutdown()
