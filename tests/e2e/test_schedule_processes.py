"""Scheduled messages with the bot as real processes: killed and restarted, and two at once.

Every process gets the same COACH_CLOCK_ANCHOR and COACH_CLOCK_START, so they all see one
timeline of the coach's clock, running 5 times faster than real time (a minute lasts 12 s).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import ScheduledDelivery
from db.scheduling import DeliveryStatus
from emulator import BotApiEmulator
from tests.support.learner_data import learner_row
from tests.support.outbox import outbox_holds
from tests.support.processes import BotProcess
from tests.support.running_bot import TOKEN

Spawner = Callable[[str, float], Callable[[], BotProcess]]


@pytest.fixture
async def timeline(
    database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Spawner]:
    """`timeline(start, speed)` gives a factory of bot processes that share one coach clock.

    The clock reads `start` now and runs `speed` times faster than real time.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "COACH_", "DATABASE_URL"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        COACH_SCHEDULE_TICK_SECONDS="1",
        COACH_SCHEDULE_BATCH="5",
        PYTHONUNBUFFERED="1",
    )
    processes: list[BotProcess] = []

    def spawner(start: str, speed: float) -> Callable[[], BotProcess]:
        clock = {
            "COACH_CLOCK_START": start,
            "COACH_CLOCK_SPEED": str(speed),
            "COACH_CLOCK_ANCHOR": str(time.time()),
        }

        def make() -> BotProcess:
            process = BotProcess({**env, **clock}, tmp_path / f"bot-{len(processes)}.log")
            processes.append(process)
            return process

        return make

    yield spawner
    for process in processes:
        await process.stop()


async def _deliveries(database_url: str) -> list[ScheduledDelivery]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return list((await session.scalars(select(ScheduledDelivery))).all())
    finally:
        await database.dispose()


async def test_a_nudge_set_for_the_next_minute_comes_once_across_kill_and_restart(
    timeline: Spawner, emulator: BotApiEmulator, database_url: str
) -> None:
    # A coach minute lasts 6 real seconds.
    spawn = timeline("2026-03-02T08:58:00+08:00", 10.0)
    lin = emulator.user(1001, first_name="Lin")
    first = spawn()
    await first.start()
    lin.send_text("/settings nudge 08:59")
    changed = await lin.next_message(timeout=20)
    assert "每日提醒改到 08:59" in (changed.text or ""), first.log()
    await outbox_holds(database_url, 0)  # the reply was cleared: no second copy after the kill
    await first.kill()  # SIGKILL before the minute: what is due lives in the database

    second = spawn()
    await second.start()
    nudge = await lin.next_message(timeout=25)
    assert "早上好，Lin" in (nudge.text or ""), second.log()
    assert "晚了" not in (nudge.text or "")
    await second.kill()  # right after sending

    third = spawn()
    await third.start()
    await lin.no_message(within=3)
    assert sum("早上好" in (m.text or "") for m in lin.messages) == 1, third.log()
    [delivery] = await _deliveries(database_url)
    assert (delivery.local_date, delivery.due_at) == (
        date(2026, 3, 2),
        datetime(2026, 3, 2, 0, 59, tzinfo=UTC),
    )
    # Killed in the instant between Telegram's acceptance and the record, the delivery stays
    # `sending`: at most once means it is never sent again (it turns `unknown` after the lease).
    assert delivery.status in (DeliveryStatus.SENT, DeliveryStatus.SENDING)


async def test_two_processes_on_one_postgresql_send_each_nudge_once(
    backend: str, timeline: Spawner, emulator: BotApiEmulator, database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("replicas share a PostgreSQL database; SQLite serves one process")
    # 09:00 comes 8 real seconds from now.
    spawn = timeline("2026-03-02T08:59:00+08:00", 7.5)
    due = time.monotonic() + 8
    learners = [emulator.user(5000 + n, first_name=f"L{n}") for n in range(40)]
    database = Database(database_url)
    created = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    try:
        async with database.session() as session:
            session.add_all(
                learner_row(learner.id, created, first_name=learner.first_name)
                for learner in learners
            )
            await session.commit()
    finally:
        await database.dispose()
    replicas = [spawn(), spawn()]
    await asyncio.gather(*(replica.start() for replica in replicas))
    # Each replica publishes its command menu (two calls) once it is up.
    while len(emulator.calls_to("setMyCommands")) < 4:
        assert time.monotonic() < due, "both replicas must be up before 09:00 for the race"
        await asyncio.sleep(0.1)

    for learner in learners:
        await learner.next_message(timeout=40)
    await asyncio.gather(*(learner.no_message(within=1) for learner in learners))
    nudges = Counter(
        call["chat_id"] for call in emulator.calls_to("sendMessage") if "早上好" in call["text"]
    )
    assert nudges == Counter({learner.id: 1 for learner in learners})
    deliveries = await _deliveries(database_url)
    assert sorted(d.user_id for d in deliveries) == [learner.id for learner in learners]
    assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
    owners = Counter(d.claimed_by for d in deliveries)
    assert len(owners) == 2, f"both replicas should have claimed some: {owners}"
