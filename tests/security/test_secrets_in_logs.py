"""The bot token and every secret setting stay out of the logs of a full run."""

from __future__ import annotations

import logging
import typing
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from coach.settings import Settings
from emulator import BotApiEmulator
from tests.support.network import free_port
from tests.support.processes import BotProcess, bot_environment
from tests.support.running_bot import TOKEN, make_settings, start_bot
from tests.support.waiting import eventually


def _secret_aliases() -> list[str]:
    """The environment names of every SecretStr setting (later features' keys included)."""
    aliases = []
    for field in Settings.model_fields.values():
        annotation = field.annotation
        if annotation is SecretStr or SecretStr in typing.get_args(annotation):
            assert field.alias, "every setting is read from an environment variable"
            aliases.append(field.alias)
    return aliases


def _secret_values(webhook_port: int) -> dict[str, str]:
    """A recognisable value for each secret (the token is the one the emulator accepts)."""
    values = {
        alias: f"{alias.lower().replace('_', '-')}-{uuid.uuid4().hex}"
        for alias in _secret_aliases()
    }
    values["TELEGRAM_BOT_TOKEN"] = TOKEN
    values["TELEGRAM_WEBHOOK_URL"] = f"http://127.0.0.1:{webhook_port}/hook"
    values["TELEGRAM_WEBHOOK_LISTEN"] = "127.0.0.1"
    values["TELEGRAM_WEBHOOK_PORT"] = str(webhook_port)
    return values


def _leaks(text: str, secrets: dict[str, str]) -> list[str]:
    return [alias for alias, value in secrets.items() if value in text]


def test_the_scan_covers_the_known_secrets() -> None:
    assert {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"} <= set(_secret_aliases())


async def test_a_full_session_logs_no_secret(
    sqlite_only: None, database_url: str, emulator: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = _secret_values(free_port())
    secrets = {alias: values[alias] for alias in _secret_aliases()}
    bot = await start_bot(make_settings(database_url, emulator.base_url, **values))
    try:
        lin = emulator.user(1001, first_name="Lin")
        for text in ("/start", "/block 1 secrets", "/note keep it quiet", "/export", "/forget"):
            lin.send_text(text)
            await lin.next_message(timeout=15)
        ending = await lin.next_message(timeout=20)
        lin.press(ending, ending.buttons[0][0])
        await lin.next_message()
        # Failures log exception texts and tracebacks too.
        emulator.inject_fault("sendMessage", 500, times=5)
        lin.send_text("/status")
        # The reply waits in the outbox through the outage and arrives afterwards.
        status = await lin.next_message(timeout=30)
        assert "连续达标" in (status.text or "")
        await eventually(lambda: emulator.pending_updates() == [], within=20)
    finally:
        await bot.shutdown()

    logged = caplog.text + "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}" for record in caplog.records
    )
    assert _leaks(logged, secrets) == []
    # The scan looked at lines that did carry them: the Bot API URL and the setWebhook
    # parameters (python-telegram-bot, at DEBUG). (The transport, bot/transport.py, logs no
    # line per request, as httpx did at INFO.)
    assert "Set Bot API URL: " in logged and "/bot<token>" in logged
    assert "'secret_token': '<redacted>'" in logged
    assert "retry 1 of 3" in logged
    assert "the outbox retries it" in logged  # the outbox's own failure line, scanned too


async def test_the_bot_process_stderr_carries_no_secret(
    sqlite_only: None, database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    values = _secret_values(free_port())
    secrets = {alias: values[alias] for alias in _secret_aliases()}
    env: dict[str, Any] = bot_environment(
        TELEGRAM_API_URL=emulator.base_url, DATABASE_URL=database_url, LOG_LEVEL="DEBUG", **values
    )
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        lin = emulator.user(1001, first_name="Lin")
        lin.send_text("/start")
        await lin.next_message(timeout=30)
        lin.send_text("/note hello")
        await lin.next_message(timeout=15)
    finally:
        await process.stop()
    log = process.log()
    assert "setWebhook" in log, log[-2000:]
    assert _leaks(log, secrets) == []
    assert "'secret_token': '<redacted>'" in log
