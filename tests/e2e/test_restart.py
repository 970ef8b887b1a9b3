"""The bot as its own process: killed with SIGKILL mid-block, started again, nothing doubled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from db.database import Database
from db.models import BlockStatus, DailyNote, FocusBlock
from emulator import BotApiEmulator
from tests.support.outbox import outbox_holds
from tests.support.processes import BotProcess, bot_environment
from tests.support.running_bot import TOKEN

# 10x: a 1-minute block lasts 6 real seconds; "late" means more than 60 coach-seconds (6 s) late.
SPEED = 10.0
BLOCK_SECONDS = 60 / SPEED


@pytest.fixture
async def spawn(
    database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Callable[[], BotProcess]]:
    env = bot_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        COACH_CLOCK_SPEED=str(SPEED),
        COACH_CLOCK_ANCHOR=str(time.time()),
        COACH_REWARD_MIN_MINUTES="1",
        COACH_SWEEP_SECONDS="1",
    )
    processes: list[BotProcess] = []

    def make() -> BotProcess:
        process = BotProcess(env, tmp_path / "bot.log")
        processes.append(process)
        return process

    yield make
    for process in processes:
        await process.stop()


async def _blocks(database_url: str) -> list[FocusBlock]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return list((await session.scalars(select(FocusBlock))).all())
    finally:
        await database.dispose()


async def test_killed_mid_block_and_back_after_its_end_sends_one_late_completion(
    spawn: Callable[[], BotProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    first = spawn()
    await first.start()
    lin.send_text("/block 1 ResNet")
    started = await lin.next_message(timeout=20)
    assert "专注块开始：ResNet" in (started.text or ""), first.log()
    started_at = time.monotonic()
    await outbox_holds(database_url, 0)  # the reply was cleared: no second copy after the kill
    await first.kill()

    # Down past the block's end and then some, so the completion is late.
    await asyncio.sleep(max(0.0, started_at + BLOCK_SECONDS * 2 + 1 - time.monotonic()))
    second = spawn()
    await second.start()
    done = await lin.next_message(timeout=20)
    assert "专注块完成：ResNet" in (done.text or ""), second.log()
    assert "迟到" in (done.text or "")
    await lin.no_message(within=3)

    [block] = await _blocks(database_url)
    assert block.status is BlockStatus.COMPLETED and block.late
    assert block.finished_at == block.planned_end_at
    assert block.notified_at is not None


async def test_killed_mid_block_and_back_before_its_end_completes_it_on_time_once(
    spawn: Callable[[], BotProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    first = spawn()
    await first.start()
    lin.send_text("/block 2 ViT")
    await lin.next_message(timeout=20)
    await outbox_holds(database_url, 0)  # the reply was cleared: no second copy after the kill
    await first.kill()
    second = spawn()
    await second.start()
    done = await lin.next_message(timeout=30)
    assert "专注块完成：ViT" in (done.text or ""), second.log()
    assert "迟到" not in (done.text or "")
    await lin.no_message(within=3)
    [block] = await _blocks(database_url)
    assert block.status is BlockStatus.COMPLETED and not block.late


async def test_updates_redelivered_after_a_crash_are_not_acted_on_twice(
    spawn: Callable[[], BotProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    first = spawn()
    await first.start()
    block_update = lin.send_text("/block 45 CLIP")
    note_update = lin.send_text("/note InfoNCE: 正样本拉近，负样本推远")
    await lin.next_message(timeout=20)
    await lin.next_message(timeout=20)
    # Both replies were accepted and cleared from the outbox (a kill in the moment between
    # would send them again: at least once, see tests/resilience/test_reply_outbox.py).
    await outbox_holds(database_url, 0)
    await first.kill()
    # Telegram delivers both again, as it does when the next offset was never confirmed.
    emulator.redeliver(block_update)
    emulator.redeliver(note_update)

    second = spawn()
    await second.start()
    lin.send_text("/status")
    status = await lin.next_message(timeout=20)
    assert "进行中：CLIP" in (status.text or ""), second.log()
    await lin.no_message(within=2)

    [block] = await _blocks(database_url)
    assert block.topic == "CLIP" and block.status is BlockStatus.RUNNING
    database = Database(database_url)
    try:
        async with database.session() as session:
            notes = (await session.scalars(select(DailyNote))).all()
    finally:
        await database.dispose()
    assert [note.text for note in notes] == ["InfoNCE: 正样本拉近，负样本推远"]
