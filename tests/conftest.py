"""Fixtures: a migrated database per test (SQLite, and PostgreSQL when a server is configured),
the Bot API emulator, and the real bot application running against both."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from db.migrate import upgrade_to_head
from tests.support.clock import ManualClock
from tests.support.databases import (
    POSTGRES_ENV,
    create_postgres_database,
    drop_postgres_database,
)
from tests.support.llm_stub import StubLlm
from tests.support.running_bot import TOKEN, RunningBot, make_settings, start_bot

if TYPE_CHECKING:
    from emulator import BotApiEmulator


def pytest_report_header() -> str:
    """Say which databases this run covers."""
    backends = "sqlite + postgresql" if os.environ.get(POSTGRES_ENV) else "sqlite only"
    return f"study-coach databases: {backends} (set {POSTGRES_ENV} for PostgreSQL)"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database built with `alembic upgrade head`."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'coach.db'}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return
    admin_url = os.environ[POSTGRES_ENV]
    url, name = await create_postgres_database(admin_url)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await drop_postgres_database(admin_url, name)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The Bot API emulator on a free loopback port; every call must match the official schema."""
    from emulator import BotApiEmulator

    emu = BotApiEmulator(token=TOKEN, bot_username="study_coach_bot")
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()
    assert emu.violations == [], "Bot API schema violations:\n" + "\n".join(emu.violations)


@pytest.fixture
def sqlite_only(backend: str) -> None:
    """Request first: runs a test whose subject does not depend on the database only once."""
    if backend != "sqlite":
        pytest.skip("independent of the database; runs once, on SQLite")


@pytest.fixture
def bot_overrides() -> dict[str, Any]:
    """Setting overrides for the `bot` fixture; tests override this fixture to change them."""
    return {}


@pytest.fixture
async def bot(
    database_url: str, emulator: BotApiEmulator, bot_overrides: dict[str, Any]
) -> AsyncIterator[RunningBot]:
    """The study-coach bot running against the emulator and a fresh database."""
    running = await start_bot(make_settings(database_url, emulator.base_url, **bot_overrides))
    try:
        yield running
    finally:
        await running.shutdown()


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """A manual clock."""
    yield ManualClock()


@pytest.fixture
async def llm() -> AsyncIterator[StubLlm]:
    """A local OpenAI-compatible stand-in for the LLM, for one test."""
    stub = StubLlm()
    await stub.start()
    yield stub
    await stub.stop()
