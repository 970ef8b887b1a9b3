"""A typed custom context, so handlers reach the services without raw `bot_data` lookups."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from coach.blocks.service import Coach
from jobs.services import Services


class BotData:
    """Application-wide data: the services, attached once when the application is built."""

    services: Services | None = None


class CoachContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every handler and job gets."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        # Set when this update created the learner or changed their timezone or activity;
        # one context serves every handler group of an update, so later groups see it.
        self.learner_changed = False

    @property
    def services(self) -> Services:
        """The services built at start-up."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are attached in build_application")
        return services

    @property
    def jobs(self) -> JobQueue[CoachContext]:
        """The job queue (python-telegram-bot[job-queue] is a dependency)."""
        job_queue = self.application.job_queue
        if job_queue is None:
            raise RuntimeError("python-telegram-bot[job-queue] is not installed")
        return cast("JobQueue[CoachContext]", job_queue)

    @property
    def coach(self) -> Coach:
        """The coach (domain logic)."""
        return self.services.coach


CoachApplication = Application[
    ExtBot[int], CoachContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[CoachContext]
]
