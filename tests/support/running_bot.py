"""The real bot application in the test's own event loop, against the Bot API emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.app import build_application
from bot.polling import serve
from bot.webhook import serve_webhook
from coach.settings import Settings
from jobs.context import CoachApplication
from jobs.services import Services, build_services
from tests.support.quiet_schedule import midday_today, quiet_schedule

TOKEN = "123456789:TEST-token_for-the-emulator"
# Test clocks run this many times faster than real time: a 1-minute block lasts 2 seconds.
CLOCK_SPEED = 30.0


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
        start = midday_today()
        values["COACH_CLOCK_START"] = start.isoformat()
        values.update(quiet_schedule(now=start))
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


@contextlib.asynccontextmanager
async def running_bot(
    database_url: str, api_url: str, **overrides: Any
) -> AsyncIterator[RunningBot]:
    """The real bot with these settings, for one block of a test."""
    bot = await start_bot(make_settings(database_url, api_url, **overrides))
    try:
        yield bot
    finally:
        await bot.shutdown()
