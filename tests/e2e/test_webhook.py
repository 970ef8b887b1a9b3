"""Webhook mode: the same bot, fed by Telegram's POSTs instead of getUpdates."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.webhook import SECRET_HEADER
from db.database import Database
from db.models import DailyNote, FocusBlock, RewardGrant, User
from emulator import BotApiEmulator
from tests.support.databases import count_rows
from tests.support.network import free_port
from tests.support.running_bot import RunningBot, make_settings, start_bot
from tests.support.waiting import eventually

SECRET = "webhook-secret_for-tests"


@pytest.fixture
def webhook_port() -> int:
    return free_port()


@pytest.fixture
def bot_overrides(webhook_port: int) -> dict[str, Any]:
    return {
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
        "TELEGRAM_WEBHOOK_PORT": webhook_port,
    }


@pytest.fixture(autouse=True)
def quick_redelivery(emulator: BotApiEmulator) -> None:
    emulator.webhook_policy.first_retry_delay = 0.1
    emulator.webhook_policy.max_retry_delay = 0.5


async def test_focus_block_loop_through_the_webhook(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str, webhook_port: int
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/block 1 patch embedding")
    started = await lin.next_message(timeout=15)
    assert "专注块开始：patch embedding" in (started.text or "")
    [webhook] = emulator.calls_to("setWebhook")
    assert webhook["url"] == f"http://127.0.0.1:{webhook_port}/telegram/hook"
    assert webhook["secret_token"] == SECRET
    assert "callback_query" in webhook["allowed_updates"]
    assert emulator.calls_to("getUpdates") == []

    done = await lin.next_message(timeout=15)
    assert "专注块完成：patch embedding" in (done.text or "")
    lin.press(done, "楼下走 10 分钟")
    assert "去享受吧：楼下走 10 分钟" in ((await lin.next_message()).text or "")
    lin.send_text("/note 16x16 patches → 196 tokens")
    assert "今日记录" in ((await lin.next_message()).text or "")
    # The reply goes out before the 200: Telegram hears back only after the handler is done.
    await eventually(lambda: emulator.pending_updates() == [])
    assert all(attempt.ok for attempt in emulator.webhook_attempts)
    assert await count_rows(database_url, RewardGrant) == 1
    assert await count_rows(database_url, DailyNote) == 1


async def test_requests_without_the_secret_get_403_and_change_nothing(
    sqlite_only: None,
    bot: RunningBot,
    emulator: BotApiEmulator,
    database_url: str,
    webhook_port: int,
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/status")
    await lin.next_message(timeout=15)
    url = f"http://127.0.0.1:{webhook_port}/telegram/hook"
    forged = {
        "update_id": 999_999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 666, "type": "private", "first_name": "Eve"},
            "from": {"id": 666, "is_bot": False, "first_name": "Eve"},
            "text": "/block 45 forged",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with aiohttp.ClientSession() as client:
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
            async with client.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
        async with client.post(url, data=b"not json", headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 400
    database = Database(database_url)
    try:
        async with database.session() as session:
            assert await session.get(User, 666) is None
            assert (await session.scalars(select(FocusBlock))).all() == []
    finally:
        await database.dispose()


async def test_updates_sent_while_the_bot_is_down_arrive_once_it_is_back(
    sqlite_only: None, database_url: str, emulator: BotApiEmulator, bot_overrides: dict[str, Any]
) -> None:
    settings = make_settings(database_url, emulator.base_url, **bot_overrides)
    first = await start_bot(settings)
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/status")
    await lin.next_message(timeout=15)
    await first.shutdown()

    note = lin.send_text("/note written while the bot was down")
    await asyncio.sleep(1.0)
    assert emulator.pending_updates() == [note]
    assert any(not attempt.ok for attempt in emulator.webhook_attempts)

    second = await start_bot(settings)
    try:
        assert "今日记录" in ((await lin.next_message(timeout=15)).text or "")
        # Telegram delivering the same update again changes nothing.
        emulator.redeliver(note)
        await lin.no_message(within=1.5)
        await eventually(lambda: emulator.pending_updates() == [])
    finally:
        await second.shutdown()
    assert await count_rows(database_url, DailyNote) == 1
