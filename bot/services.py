"""The services every handler and job reaches through the typed context, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from coach.clock import Clock, ScaledClock
from coach.service import Coach, CoachConfig
from coach.settings import Settings
from coach.vision import Vision, VisionConfig
from coach.vision_client import VisionClient, VisionEndpoints
from db.database import Database


@dataclass
class Services:
    """Settings, database, clock, the coach and the photo feature."""

    settings: Settings
    database: Database
    clock: Clock
    coach: Coach
    vision: Vision

    async def close(self) -> None:
        """Release the database pool and the vision clients' connections."""
        await self.vision.client.close()
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
        vision=build_vision(settings, clock),
    )


def build_vision(settings: Settings, clock: Clock) -> Vision:
    """The photo feature: where the models are, the daily limit, the default labels."""
    api_key = settings.vlm_api_key.get_secret_value() if settings.vlm_api_key else None
    endpoints = VisionEndpoints(
        vision_url=settings.vision_url,
        vlm_base_url=settings.vlm_base_url,
        vlm_model=settings.vlm_model,
        vlm_api_key=api_key,
        timeout=settings.vision_timeout,
        max_tokens=settings.vlm_max_tokens,
    )
    config = VisionConfig(
        daily_limit=settings.vision_daily_limit,
        default_labels=settings.vision_default_labels,
        timeout=settings.vision_timeout,
    )
    return Vision(config, clock, VisionClient(endpoints))
