"""Every reply reaches the learner: a crash mid-send and a long outage delay it, lose nothing.

The bot runs as real processes (`python -m bot`) against the emulator; the action behind
each reply must be recorded exactly once, and the reply must arrive afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.sending import TRANSIENT_RETRIES
from db.models import DailyNote, FocusBlock
from emulator import BotApiEmulator
from tests.support.balancer import RoundRobin
from tests.support.databases import count_rows
from tests.support.network import free_port
from tests.support.outbox import outbox_holds
from tests.support.processes import BotProcess, bot_environment
from tests.support.running_bot import TOKEN
from tests.support.waiting import eventually

LEASE_SECONDS = 2
# One immediate send gives up after this many attempts; an outage longer than that is one
# the retries alone would not survive.
ATTEMPTS_PER_SEND = TRANSIENT_RETRIES + 1
SECRET = "outbox-test-secret"


@pytest.fixture
async def spawn(
    database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Callable[..., BotProcess]]:
    processes: list[BotProcess] = []

    def make(**extra: str) -> BotProcess:
        env = bot_environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=emulator.base_url,
            DATABASE_URL=database_url,
            COACH_CLOCK_ANCHOR=str(time.time()),
            COACH_REPLY_LEASE_SECONDS=str(LEASE_SECONDS),
            **extra,
        )
        process = BotProcess(env, tmp_path / f"bot-{len(processes)}.log")
        processes.append(process)
        return process

    yield make
    for process in processes:
        await process.stop()


async def test_a_reply_in_flight_when_the_bot_dies_arrives_after_the_restart(
    spawn: Callable[..., BotProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    first = spawn()
    await first.start()
    lin.send_text("/status")
    await lin.next_message(timeout=20)  # the bot is up

    # Telegram holds its answer to the reply; the bot dies while it waits.
    emulator.inject_fault("sendMessage", 0, drop=True, delay=30, times=1)
    lin.send_text("/note 读完了 ViT 论文的第 3 节")
    await eventually(lambda: len(emulator.calls_to("sendMessage")) >= 2, within=20)
    # Only the note's reply is left unconfirmed (the earlier one was accepted and cleared).
    await outbox_holds(database_url, 1)
    await first.kill()
    emulator.clear_faults()

    second = spawn()
    await second.start()
    saved = await lin.next_message(timeout=30)
    assert "已写进" in (saved.text or "") and "今日记录" in (saved.text or ""), second.log()
    await lin.no_message(within=2)
    assert await count_rows(database_url, DailyNote) == 1  # the note is recorded once
    await outbox_holds(database_url, 0)


async def test_an_outage_longer_than_the_retries_delays_the_reply_and_loses_nothing(
    spawn: Callable[..., BotProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1002, first_name="Mei")
    bot = spawn(COACH_LANGUAGE="en")
    await bot.start()
    lin.send_text("/status")
    await lin.next_message(timeout=20)

    # Three rounds of every retry the sender has: the immediate send and the outbox's first
    # retry both give up; the outage then ends.
    emulator.inject_fault("sendMessage", 500, times=ATTEMPTS_PER_SEND * 2 + 1)
    lin.send_text("/block 25 CLIP")
    started = await lin.next_message(timeout=40)
    assert "CLIP" in (started.text or ""), bot.log()
    assert await count_rows(database_url, FocusBlock) == 1
    calls = emulator.calls_to("sendMessage")
    assert len([c for c in calls if "CLIP" in str(c.get("text"))]) > ATTEMPTS_PER_SEND
    await outbox_holds(database_url, 0)


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("replicas share one PostgreSQL; SQLite serves one process")


async def test_with_two_replicas_an_outage_and_a_killed_replica_lose_no_reply(
    postgres_only: None,
    spawn: Callable[..., BotProcess],
    emulator: BotApiEmulator,
    database_url: str,
) -> None:
    emulator.webhook_policy.first_retry_delay = 0.1
    emulator.webhook_policy.max_retry_delay = 0.5
    ports = [free_port(), free_port()]
    balancer = RoundRobin([f"http://127.0.0.1:{port}/hook" for port in ports])
    url = await balancer.start("/hook")
    replicas = [
        spawn(
            TELEGRAM_WEBHOOK_URL=url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
            TELEGRAM_WEBHOOK_PORT=str(port),
            COACH_LANGUAGE="en",
        )
        for port in ports
    ]
    try:
        await asyncio.gather(*(replica.start() for replica in replicas))
        await eventually(lambda: len(emulator.calls_to("setWebhook")) == 2, within=60)
        learners = [emulator.user(3000 + i, first_name=f"R{i}") for i in range(6)]
        # Telegram fails every sendMessage for a while: longer than any one send's retries.
        emulator.inject_fault("sendMessage", 502, times=ATTEMPTS_PER_SEND * 6)
        for index, learner in enumerate(learners):
            learner.send_text(f"/note outage note {index}")
        await eventually(
            lambda: len(emulator.calls_to("sendMessage")) >= ATTEMPTS_PER_SEND * 2, within=30
        )
        # One replica dies meanwhile; the other sends what both owed.
        await replicas[0].kill()
        for learner in learners:
            reply = await learner.next_message(timeout=60)
            assert "Added to the log" in (reply.text or ""), replicas[1].log()
            await learner.no_message(within=1)
        assert await count_rows(database_url, DailyNote) == len(learners)
        await outbox_holds(database_url, 0)
    finally:
        await balancer.stop()
