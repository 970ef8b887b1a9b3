"""Two bot processes on one PostgreSQL behind a round-robin balancer, in webhook mode."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import BlockStatus, DailyNote, FocusBlock, RewardGrant
from emulator import BotApiEmulator, EmulatedUser
from tests.support.balancer import RoundRobin
from tests.support.databases import count_rows
from tests.support.network import free_port
from tests.support.processes import BotProcess, bot_environment
from tests.support.running_bot import TOKEN
from tests.support.waiting import eventually

SECRET = "replica-test-secret"
# 20x: a 1-minute block lasts 3 real seconds.
SPEED = 20.0
LEARNERS = 8


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("replicas share one PostgreSQL; SQLite serves one process")


@pytest.fixture
async def replicas(
    postgres_only: None, database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[tuple[RoundRobin, list[BotProcess]]]:
    emulator.webhook_policy.first_retry_delay = 0.1
    emulator.webhook_policy.max_retry_delay = 0.5
    ports = [free_port(), free_port()]
    balancer = RoundRobin([f"http://127.0.0.1:{port}/hook" for port in ports])
    url = await balancer.start("/hook")
    anchor = str(time.time())
    processes = [
        BotProcess(
            bot_environment(
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_URL=emulator.base_url,
                TELEGRAM_WEBHOOK_URL=url,
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
                TELEGRAM_WEBHOOK_PORT=str(port),
                DATABASE_URL=database_url,
                COACH_CLOCK_SPEED=str(SPEED),
                COACH_CLOCK_ANCHOR=anchor,
                COACH_REWARD_MIN_MINUTES="1",
                # Both replicas sweep often, so they race for every block end.
                COACH_SWEEP_SECONDS="0.2",
            ),
            tmp_path / f"replica-{index}.log",
        )
        for index, port in enumerate(ports)
    ]
    await asyncio.gather(*(process.start() for process in processes))
    try:
        await eventually(lambda: len(emulator.calls_to("setWebhook")) == 2, within=60)
        yield balancer, processes
    finally:
        for process in processes:
            await process.stop()
        await balancer.stop()


def _texts(user: EmulatedUser, fragment: str) -> list[str]:
    return [m.text or "" for m in user.messages if fragment in (m.text or "")]


async def test_two_replicas_share_the_work_and_nothing_happens_twice_or_gets_lost(
    replicas: tuple[RoundRobin, list[BotProcess]],
    emulator: BotApiEmulator,
    database_url: str,
) -> None:
    balancer, processes = replicas
    logs = lambda: "\n".join(process.log()[-3000:] for process in processes)  # noqa: E731
    learners = [emulator.user(5000 + i, first_name=f"L{i}") for i in range(LEARNERS)]
    for learner in learners:
        learner.send_text(f"/block 1 first-{learner.id}")
    for learner in learners:
        started = await learner.next_message(timeout=30)
        assert "专注块开始" in (started.text or ""), logs()
    # Slow block-end sends: a replica that merely read "owed" would send a second copy
    # while the first is still on its way.
    emulator.inject_fault("sendMessage", 0, delay=0.5, times=LEARNERS)
    endings = await asyncio.gather(*(learner.next_message(timeout=40) for learner in learners))
    for learner, ending in zip(learners, endings, strict=True):
        assert f"专注块完成：first-{learner.id}" in (ending.text or ""), logs()

    # The same reward button pressed twice lands on both replicas in turn: one grant.
    for learner, ending in zip(learners, endings, strict=True):
        learner.press(ending, "楼下走 10 分钟")
        learner.press(ending, "一杯奶茶 / 小零食")
    await eventually(lambda: all(len(x.callback_answers) == 2 for x in learners), within=30)
    for learner in learners:
        answers = [answer["text"] or "" for answer in learner.callback_answers]
        assert "去享受吧：楼下走 10 分钟" in answers[0]
        assert "这个块的奖励已经领过了：楼下走 10 分钟" in answers[1]
    assert {backend for backend, status in balancer.routed if status == 200} == set(
        balancer.backends
    ), "both replicas served updates"

    # One replica dies with block timers of its own running; the other serves everyone,
    # ends those blocks from its sweep, and takes the updates Telegram retries.
    for learner in learners:
        learner.send_text(f"/block 1 second-{learner.id}")
    await eventually(lambda: all(len(_texts(x, "专注块开始：second")) == 1 for x in learners))
    await processes[0].kill()
    for learner in learners:
        learner.send_text(f"/note survived {learner.id}")
    await eventually(
        lambda: all(
            _texts(x, "今日记录") and _texts(x, f"专注块完成：second-{x.id}") for x in learners
        ),
        within=60,
    )
    await eventually(lambda: emulator.pending_updates() == [], within=20)
    await asyncio.sleep(1.0)
    for learner in learners:
        assert len(_texts(learner, "专注块完成")) == 2, learner.messages
        assert len(_texts(learner, "今日记录")) == 1

    database = Database(database_url)
    try:
        async with database.session() as session:
            blocks = (await session.scalars(select(FocusBlock))).all()
    finally:
        await database.dispose()
    assert len(blocks) == 2 * LEARNERS
    assert all(b.status is BlockStatus.COMPLETED and b.notified_at is not None for b in blocks)
    assert await count_rows(database_url, RewardGrant) == LEARNERS
    assert await count_rows(database_url, DailyNote) == LEARNERS
