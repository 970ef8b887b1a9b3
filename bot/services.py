"""The services every handler and job reaches through the typed context, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from coach.clock import Clock, ScaledClock
from coach.plan.planner import Planner
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import Quizzer
from coach.service import Coach, CoachConfig
from coach.settings import Settings
from coach.tutor.llm import LlmClient
from coach.tutor.tutor import Tutor
from db.database import Database


@dataclass
class Services:
    """Settings, database, clock, the coach and the plan, quiz and tutor use cases."""

    settings: Settings
    database: Database
    clock: Clock
    coach: Coach
    planner: Planner
    quizzer: Quizzer
    tutor: Tutor

    async def close(self) -> None:
        """Release the database pool and the LLM client's connections."""
        await self.tutor.close()
        await self.database.dispose()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Wire the services from the settings (the clock may be injected by tests)."""
    clock = clock or ScaledClock(settings.clock_speed, settings.clock_anchor)
    config = CoachConfig(
        default_language=settings.language,
        default_timezone=settings.timezone,
        reward_min_minutes=settings.reward_min_minutes,
    )
    coach = Coach(config, clock)
    planner = Planner(coach, clock)
    # The bank is validated here, so a bad question stops the bot at start-up, not mid-quiz.
    quizzer = Quizzer(load_bank(), coach, planner, clock)
    llm = None
    if settings.llm_base_url and settings.llm_model:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        llm = LlmClient(
            settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_seconds
        )
    return Services(
        settings=settings,
        database=Database(settings.database_url),
        clock=clock,
        coach=coach,
        planner=planner,
        quizzer=quizzer,
        tutor=Tutor(llm, coach, planner, clock),
    )
