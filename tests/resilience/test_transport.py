"""The bot's Bot API transport (bot/transport.py: aiohttp instead of PTB's httpx).

It must send what PTB's HTTPXRequest sends and fail as it fails: a timeout is TimedOut, so
the bot does not send again what may already have been delivered; a 5xx or a dropped
connection is a NetworkError, which the bot retries until the learner has the reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest

from bot.transport import POOL_TIMEOUT_MESSAGE, AiohttpRequest, _client_timeout
from emulator import BotApiEmulator
from tests.emulator.conftest import _png
from tests.support.running_bot import RunningBot

# A learner's own plan file may well have a Chinese name, spaces and quotes.
PLAN_NAME = '学习 计划 "第一版".md'
PLAN_NAME_AS_SENT = "学习 计划 %22第一版%22.md"  # quotes escaped as HTML forms (and httpx) do


def _bot(emulator: BotApiEmulator, request: BaseRequest, updates: BaseRequest | None = None) -> Bot:
    return Bot(
        emulator.token,
        base_url=f"{emulator.base_url}/bot",
        base_file_url=f"{emulator.base_url}/file/bot",
        request=request,
        get_updates_request=updates or AiohttpRequest(connection_pool_size=1),
    )


# What the transport sends


async def test_messages_photos_and_documents_arrive_as_sent(emulator: BotApiEmulator) -> None:
    emulator.user(42, first_name="Lin")
    png = _png(64, 48)
    async with _bot(emulator, AiohttpRequest()) as bot:
        text = await bot.send_message(42, "第 1 条 & <b>done</b> = 100%?", parse_mode="HTML")
        photo = await bot.send_photo(42, InputFile(png, filename="progress.png"), caption="进度")
        document = await bot.send_document(
            42, InputFile(b'{"notes": []}', filename=PLAN_NAME), caption="导出"
        )
        downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert text.text == "第 1 条 & done = 100%?"
    assert photo.caption == "进度" and emulator.download(photo.photo[-1].file_id) == png
    assert document.document.file_name == PLAN_NAME_AS_SENT
    assert bytes(downloaded) == b'{"notes": []}'


@contextlib.asynccontextmanager
async def _recording_api() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A stand-in Bot API that records each request's headers and decoded body."""
    seen: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {
            name: (value.filename, value.content_type, value.file.read())
            if isinstance(value, web.FileField)
            else value
            for name, value in form.items()
        }
        seen.append(
            {
                "method": request.method,
                "path": request.path,
                "user_agent": request.headers.get("User-Agent"),
                "content_type": request.content_type,
                "fields": fields,
            }
        )
        if request.path.endswith("/getMe"):
            result: dict[str, Any] = {"id": 1, "is_bot": True, "first_name": "B", "username": "b"}
        else:
            result = {"message_id": len(seen), "date": 0, "chat": {"id": 42, "type": "private"}}
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_the_requests_are_the_ones_ptb_s_own_transport_sends() -> None:
    async def send_all(request: BaseRequest) -> list[dict[str, Any]]:
        async with _recording_api() as (url, seen):
            bot = Bot("123:T", base_url=f"{url}/bot", request=request)
            async with bot:
                await bot.send_message(42, "你好 & =", disable_notification=True)
                await bot.send_photo(
                    42, InputFile(_png(4, 4), filename="week-02.png"), caption="图"
                )
                await bot.send_document(42, InputFile(b"# plan", filename=PLAN_NAME))
            return seen

    ours = await send_all(AiohttpRequest())
    ptb = await send_all(HTTPXRequest())
    assert ours == ptb
    kinds = {call["path"].rsplit("/", 1)[1]: call["content_type"] for call in ours}
    assert kinds == {
        "getMe": "application/octet-stream",  # no parameters, no body
        "sendMessage": "application/x-www-form-urlencoded",
        "sendPhoto": "multipart/form-data",
        "sendDocument": "multipart/form-data",
    }
    assert {call["user_agent"] for call in ours} == {BaseRequest.USER_AGENT}
    assert ours[1]["fields"]["text"] == "你好 & ="
    assert ours[3]["fields"]["document"] == (PLAN_NAME_AS_SENT, "text/markdown", b"# plan")


async def test_a_long_poll_waits_longer_than_the_read_timeout(emulator: BotApiEmulator) -> None:
    # PTB asks getUpdates for read timeout + poll timeout; a plain 1 s read would fail.
    updates = AiohttpRequest(connection_pool_size=1, read_timeout=1.0)
    async with _bot(emulator, AiohttpRequest(), updates) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=2) == ()
        assert time.monotonic() - started >= 1.5
        user = emulator.user(7, first_name="Lin")
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        user.send_text("/status")
        fetched = await asyncio.wait_for(waiting, timeout=3)
    assert [update.message.text for update in fetched if update.message] == ["/status"]


# How it fails


async def test_a_server_error_is_a_network_error_not_a_timeout(emulator: BotApiEmulator) -> None:
    emulator.inject_fault("sendMessage", 500)
    async with _bot(emulator, AiohttpRequest()) as bot:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(42, "hi")
    assert not isinstance(raised.value, TimedOut)


async def test_a_dropped_connection_is_a_network_error(emulator: BotApiEmulator) -> None:
    emulator.user(42, first_name="Lin")
    emulator.inject_fault("sendMessage", 0, drop=True)
    async with _bot(emulator, AiohttpRequest()) as bot:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(42, "hi")
        assert not isinstance(raised.value, TimedOut)
        assert "aiohttp.ServerDisconnectedError" in str(raised.value)
        # The pool is fine afterwards.
        assert (await bot.send_message(42, "again")).text == "again"


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = Bot("123:T", base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError) as raised:
        async with bot:
            await bot.send_message(42, "hi")
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in str(raised.value)


async def test_an_error_that_quotes_the_url_does_not_quote_the_token() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.do_request("http://127.0.0.1:99999/bot123:SECRET-token/getMe", "POST")
    assert "SECRET" not in str(raised.value)
    assert "bot<token>/getMe" in str(raised.value)  # the rest of the message is kept


def test_an_uploads_deadline_grows_with_its_size() -> None:
    """A stalled upload ends; a slow one that keeps moving (16 KiB/s) is not cut off."""
    assert _client_timeout(5.0, 5.0, 5.0, 0).total is None  # no upload: per-read only
    small = _client_timeout(5.0, 5.0, 20.0, 1024)
    large = _client_timeout(5.0, 5.0, 20.0, 4 * 1024 * 1024)
    assert small.total is not None and 30 <= small.total < 31
    assert large.total is not None and large.total >= 30 + 4 * 1024 * 1024 / (16 * 1024)


async def test_an_answer_slower_than_the_read_timeout_is_a_timeout(
    emulator: BotApiEmulator,
) -> None:
    emulator.user(42, first_name="Lin")
    emulator.inject_fault("sendMessage", 0, delay=1.5)
    async with _bot(emulator, AiohttpRequest(read_timeout=0.3)) as bot:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(42, "slow")
        assert time.monotonic() - started < 1.4  # did not wait for the 1.5 s answer
        # A call may take longer than the default when it says so.
        emulator.inject_fault("sendMessage", 0, delay=0.6)
        assert (await bot.send_message(42, "patient", read_timeout=3)).text == "patient"


async def test_waiting_too_long_for_a_free_connection_is_a_pool_timeout(
    emulator: BotApiEmulator,
) -> None:
    emulator.user(42, first_name="Lin")
    emulator.inject_fault("sendMessage", 0, delay=1.0)
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.2)
    async with _bot(emulator, request) as bot:
        slow = asyncio.create_task(bot.send_message(42, "slow"))
        await _until_sent(emulator, 1)  # it holds the one connection now
        with pytest.raises(TimedOut, match=POOL_TIMEOUT_MESSAGE[:40]):
            await bot.send_message(42, "never sent")
        assert (await slow).text == "slow"
        # A cancelled call gives its connection back.
        emulator.inject_fault("sendMessage", 0, delay=5.0)
        cancelled = asyncio.create_task(bot.send_message(42, "cancelled"))
        await _until_sent(emulator, 2)  # cancelled mid-request, while Telegram is slow
        cancelled.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cancelled
        assert (await bot.send_message(42, "after")).text == "after"
    texts = [params["text"] for params in emulator.calls_to("sendMessage")]
    assert "never sent" not in texts


async def _until_sent(emulator: BotApiEmulator, count: int) -> None:
    """Wait until the emulator has received `count` sendMessage calls."""
    for _ in range(500):
        if len(emulator.calls_to("sendMessage")) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} sendMessage calls arrived")


async def test_shutdown_twice_then_initialize_again(emulator: BotApiEmulator) -> None:
    emulator.user(42, first_name="Lin")
    request = AiohttpRequest()
    await request.initialize()
    await request.shutdown()
    await request.shutdown()
    url = f"{emulator.base_url}/bot{emulator.token}/getMe"
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST")
    await request.initialize()
    status, payload = await request.do_request(url, "POST")
    await request.shutdown()
    assert status == 200 and json.loads(payload)["result"]["is_bot"] is True


async def test_proxies_from_the_environment_are_used_like_httpx_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with _recording_api() as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("NO_PROXY", "bypassed.invalid")
        request = AiohttpRequest(connect_timeout=1.0)
        async with request:
            status, _ = await request.do_request("http://api.telegram.invalid/bot1:T/getMe", "POST")
            with pytest.raises(NetworkError):  # not proxied: the name does not resolve
                await request.do_request("http://bypassed.invalid/bot1:T/getMe", "POST")
    assert status == 200
    assert [call["path"] for call in seen] == ["/bot1:T/getMe"]


# The running bot


async def test_the_bot_talks_to_telegram_through_aiohttp(bot: RunningBot) -> None:
    ptb_bot = bot.application.bot
    assert isinstance(ptb_bot.request, AiohttpRequest)
    assert isinstance(ptb_bot._request[0], AiohttpRequest)  # getUpdates' own


async def test_a_reply_lost_to_a_5xx_or_a_dropped_connection_still_arrives_once(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(7200, first_name="Lin")
    emulator.inject_fault("sendMessage", 500, times=1)
    emulator.inject_fault("sendMessage", 0, drop=True, times=1)
    lin.send_text("/note through a bad connection")
    reply = await lin.next_message(timeout=15)
    assert "今天第 1 条" in (reply.text or "")
    await lin.no_message(within=1)
    # The first try and two retries: the 500, the dropped connection, the delivery.
    assert len(emulator.calls_to("sendMessage")) == 1 + 2


async def test_a_reply_whose_answer_timed_out_is_not_retried_at_once(
    bot: RunningBot, emulator: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    lin = emulator.user(7201, first_name="Lin")
    lin.send_text("/status")
    await lin.next_message(timeout=15)
    # Slower than the bot's read timeout: the bot stops waiting, Telegram delivers anyway.
    read_timeout = bot.application.bot.request.read_timeout
    assert read_timeout is not None
    emulator.inject_fault("sendMessage", 0, delay=read_timeout + 2)
    caplog.set_level(logging.INFO)
    lin.send_text("/note sent into a slow Telegram")
    reply = await lin.next_message(timeout=20)
    assert "今天第 1 条" in (reply.text or "")
    # Not one of the quick transient retries (bot/sending.py): the timeout reached the outbox,
    # which sends again later, at least once by design (jobs/outbox.py).
    sending = [r.getMessage() for r in caplog.records if r.name == "bot.sending"]
    assert sending == []
    outbox = [r.getMessage() for r in caplog.records if r.name == "jobs.outbox"]
    assert any("not sent (Timed out)" in message for message in outbox), outbox
