"""Webhook delivery: the emulator POSTs updates like Telegram, retrying until it gets a 2xx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from emulator import BotApiEmulator
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Receiver:
    """A webhook endpoint whose answers the test chooses."""

    url: str = ""
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.received.append((body, request.headers.get(SECRET_HEADER)))
        self.arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status)

    async def wait_for(self, count: int, within: float = 10.0) -> None:
        async with asyncio.timeout(within):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    target.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield target
    finally:
        await runner.cleanup()


@pytest.fixture(autouse=True)
def quick_retries(emu: BotApiEmulator) -> None:
    emu.webhook_policy.first_retry_delay = 0.05
    emu.webhook_policy.max_retry_delay = 0.2
    emu.webhook_policy.timeout = 2.0


async def test_updates_are_posted_with_the_secret_and_taken_on_2xx(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    user = emu.user(2002)
    first = user.send_text("queued before the webhook")
    await bot.set_webhook(receiver.url, secret_token="s3cret_-token")
    second = user.send_text("after")
    await receiver.wait_for(2)
    assert [body for body, _ in receiver.received] == [first, second]
    assert {secret for _, secret in receiver.received} == {"s3cret_-token"}
    await eventually(lambda: emu.pending_updates() == [])
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert emu.violations == []


async def test_failed_deliveries_are_retried_until_accepted(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500, 403]
    await bot.set_webhook(receiver.url, secret_token="abc")
    update = emu.user(2002).send_text("retry me")
    await receiver.wait_for(3)
    await eventually(lambda: emu.pending_updates() == [])
    assert [body["update_id"] for body, _ in receiver.received] == [update["update_id"]] * 3
    assert [attempt.status for attempt in emu.webhook_attempts] == [500, 403, 200]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 403"
    assert emu.violations == []


async def test_unreachable_webhook_keeps_updates_pending_and_delete_returns_to_polling(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/nobody-listens")
    update = emu.user(2002).send_text("hold on")
    await eventually(lambda: len(emu.webhook_attempts) >= 2)
    assert all(attempt.status is None and attempt.error for attempt in emu.webhook_attempts)
    assert emu.pending_updates() == [update]
    await bot.delete_webhook()
    assert emu.webhook_url == ""
    assert [u.update_id for u in await bot.get_updates(timeout=1)] == [update["update_id"]]
    assert emu.violations == []


async def test_one_chat_in_order_different_chats_side_by_side(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.delay = 0.3
    await bot.set_webhook(receiver.url)
    ana, bo = emu.user(1), emu.user(2)
    ana.send_text("a1")
    ana.send_text("a2")
    bo.send_text("b1")
    await receiver.wait_for(2)
    # While a1 is being handled, a2 waits; b1 of another chat does not.
    assert [body["message"]["text"] for body, _ in receiver.received] == ["a1", "b1"]
    await receiver.wait_for(3)
    assert receiver.received[2][0]["message"]["text"] == "a2"
    assert emu.violations == []


async def test_stop_pauses_delivery_and_start_resumes_it(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    await emu.stop()
    emu.user(2002).send_text("while stopped")
    await asyncio.sleep(0.3)
    assert receiver.received == []
    await emu.start()
    await receiver.wait_for(1)
    assert emu.violations == []


async def test_injected_updates_and_forged_callback_data(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(2002, first_name="Mo")
    sent = await bot.send_message(2002, "pick")
    message = user.messages[-1]
    assert message.message_id == sent.message_id
    forged = user.press_data(message, "blk:done:999")
    assert forged["callback_query"]["data"] == "blk:done:999"
    original = user.send_text("/block 45")
    edited = user.edit_text(original, "/block 30")
    assert edited["edited_message"]["text"] == "/block 30"
    assert edited["edited_message"]["message_id"] == original["message"]["message_id"]
    sticker = user.send_content(
        {
            "sticker": {
                "file_id": "CAACAgIAAx0",
                "file_unique_id": "AgADsticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    )
    assert sticker["message"]["sticker"]["type"] == "regular"
    await bot.get_updates(allowed_updates=["message", "channel_post"])
    post = emu.inject_update(
        {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -1001, "type": "channel", "title": "news"},
                "text": "hello channel",
            }
        }
    )
    assert post["update_id"] > sticker["update_id"]
    with pytest.raises(ValueError):
        emu.inject_update({"update_id": 5, "message": {}})
    assert emu.violations == []
    emu.inject_update({"channel_post": {"text": "no chat"}})
    assert emu.violations, "a malformed injected update is reported"
    emu.violations.clear()
