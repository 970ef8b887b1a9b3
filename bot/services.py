"""The services every handler and job reaches through the typed context, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from coach.clock import Clock, ScaledClock
from coach.service import Coach, CoachConfig
from coach.settings import Settings
from db.database import Database


@dataclass
class Services:
    """Settings, database, clock and the coach."""

    settings: Settings
    database: Database
    clock: Clock
    coach: Coach

    async def close(self) -> None:
        """Release the database pool."""
        await self.database.dispose()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Wire the services from the settings (the clock may be injected by tests)."""
    clock = clock or ScaledClock(settings.clock_speed, settings.clock_anchor)
    config = CoachConfig(
        default_language=settings.language,
        default_timezone=settings.timezone,
        reward_min_minutes=settings.reward_min_minutes,
    )
    return Services(
        settings=settings,
        database=Database(settings.database_url),
        clock=clock,
        coach=Coach(config, clock),
    )
