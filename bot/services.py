"""The services every handler and job reaches through the typed context, built in one place."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field

from bot.logs import protect_secrets
from coach.clock import Clock, ScaledClock
from coach.privacy import Privacy
from coach.service import Coach, CoachConfig
from coach.settings import Settings
from db.database import Database


@dataclass
class Services:
    """Settings, database, clock, the coach, and this process's name."""

    settings: Settings
    database: Database
    clock: Clock
    coach: Coach
    privacy: Privacy
    # Names this process in database claims (several replicas may share one database).
    replica_id: str = field(default_factory=lambda: new_replica_id())

    async def close(self) -> None:
        """Release the database pool."""
        await self.database.dispose()


def new_replica_id() -> str:
    """host:pid:random, short enough for a claim column."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Wire the services from the settings (the clock may be injected by tests)."""
    protect_secrets(settings.secret_values())
    clock = clock or ScaledClock(settings.clock_speed, settings.clock_anchor)
    config = CoachConfig(
        default_language=settings.language,
        default_timezone=settings.timezone,
        reward_min_minutes=settings.reward_min_minutes,
    )
    coach = Coach(config, clock)
    return Services(
        settings=settings,
        database=Database(settings.database_url),
        clock=clock,
        coach=coach,
        privacy=Privacy(coach, clock),
    )
