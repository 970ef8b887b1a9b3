"""Fixtures: a migrated database per test (SQLite, and PostgreSQL when a server is configured),
the Bot API emulator, and the real bot application running against both."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.engine import make_url

from bot.app import build_application
from bot.polling import serve
from bot.webhook import serve_webhook
from coach.settings import Settings
from db.migrate import upgrade_to_head
from jobs.context import CoachApplication
from jobs.services import Services, build_services
from tests.llm_stub import StubLlm
from tests.support.quiet_schedule import quiet_schedule

if TYPE_CHECKING:
    from emulator import BotApiEmulator

TOKEN = "123456789:TEST-token_for-the-emulator"
POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"
# Test clocks run this many times faster than real time: a 1-minute block lasts 2 seconds.
CLOCK_SPEED = 30.0


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


async def _create_postgres_database(admin_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False), name


async def _drop_postgres_database(admin_url: str, name: str) -> None:
    import asyncpg

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except asyncpg.InsufficientPrivilegeError:
            # FORCE may have to stop an autovacuum worker, which needs pg_signal_backend.
            await asyncio.sleep(1)
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await connection.close()


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database built with `alembic upgrade head`."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'coach.db'}"
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return
    admin_url = os.environ[POSTGRES_ENV]
    url, name = await _create_postgres_database(admin_url)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await _drop_postgres_database(admin_url, name)


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


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    """Settings for a test bot: fast clock, quick sweep, nothing read from the environment."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "COACH_CLOCK_SPEED": CLOCK_SPEED,
        "COACH_SWEEP_SECONDS": 1.0,
        "COACH_REWARD_MIN_MINUTES": 1,
        "COACH_ALLOWED_USERS": "",
    }
    if "COACH_CLOCK_START" not in overrides:
        values.update(quiet_schedule())
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningBot:
    """The real Application, polling the emulator in the test's event loop."""

    services: Services
    application: CoachApplication
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def shutdown(self) -> None:
        """Stop polling and wait for a clean shutdown."""
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=15)
        await self.services.close()


async def start_bot(settings: Settings) -> RunningBot:
    """Build the application from settings and start it polling (or serving its webhook)."""
    services = build_services(settings)
    application = build_application(services, TOKEN)
    stop = asyncio.Event()
    server = (
        serve_webhook(application, stop)
        if settings.webhook_url is not None
        else serve(application, stop, poll_timeout=2)
    )
    task = asyncio.create_task(server)
    return RunningBot(services, application, stop, task)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


class ManualClock:
    """A clock tests move by hand (for coach unit tests without timers)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current instant."""
        return self.current

    def real_seconds_until(self, instant: datetime) -> float:
        """Seconds until `instant` (the manual clock never moves by itself)."""
        return max(0.0, (instant - self.current).total_seconds())

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's worth of keyword arguments."""
        self.current += timedelta(**delta)


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
