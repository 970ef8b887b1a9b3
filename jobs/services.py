"""The services every handler and job reaches through the typed context, built in one place."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from coach.blocks.service import Coach, CoachConfig
from coach.clock import Clock, ScaledClock
from coach.learners.registry import LearnerDefaults, Learners
from coach.plan.planner import Planner
from coach.privacy.forget import Privacy
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import Quizzer
from coach.quiz.replies import RECEIPT_KIND as QUIZ_RECEIPT
from coach.replies import Receipt
from coach.schedule.delivery import Deliveries
from coach.schedule.digests import Digests, SectionSource
from coach.schedule.service import ScheduleDefaults, Scheduler, SchedulerConfig
from coach.schedule.times import Rule, parse_clock, parse_weekly
from coach.schedule.weekly_sections import weekly_sections as plan_and_quiz_sections
from coach.settings import Settings
from coach.tutor.llm import LlmClient
from coach.tutor.tutor import Tutor
from coach.updates import HandledUpdates
from coach.vision.client import VisionClient, VisionEndpoints
from coach.vision.service import Vision, VisionConfig
from db.database import Database
from jobs.logs import protect_secrets
from jobs.outbox import ReplySender


@dataclass
class Services:
    """Settings, database, clock, the coach, and each feature's use cases."""

    settings: Settings
    database: Database
    clock: Clock
    updates: HandledUpdates
    learners: Learners
    coach: Coach
    planner: Planner
    quizzer: Quizzer
    tutor: Tutor
    scheduler: Scheduler
    deliveries: Deliveries
    digests: Digests
    vision: Vision
    privacy: Privacy
    # Names this process in database claims (several replicas may share one database).
    replica_id: str = field(default_factory=lambda: new_replica_id())
    replies: ReplySender = field(init=False)

    def __post_init__(self) -> None:
        lease = timedelta(seconds=self.settings.reply_lease_seconds)
        self.replies = ReplySender(self.database, self.replica_id, self.record_receipt, lease)

    async def record_receipt(
        self, receipt: Receipt, chat_id: int, poll_id: str | None, message_id: int
    ) -> None:
        """Record, in its own transaction, a reply Telegram accepted (see `Receipt`)."""
        if receipt.kind != QUIZ_RECEIPT:
            raise ValueError(f"no feature records {receipt.kind!r} receipts")
        async with self.database.session() as session:
            await self.quizzer.record_receipt(
                session, receipt.payload, chat_id, poll_id, message_id
            )
            await session.commit()

    async def close(self) -> None:
        """Release the database pool and the LLM and vision clients' connections."""
        await self.replies.close()
        await self.tutor.close()
        await self.vision.client.close()
        await self.database.dispose()


def new_replica_id() -> str:
    """host:pid:random, short enough for a claim column."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_services(
    settings: Settings, clock: Clock | None = None, weekly_sections: SectionSource | None = None
) -> Services:
    """Wire the services from the settings (the clock may be injected by tests).

    `weekly_sections` adds the plan, quiz and demo sections to the weekly summary once those
    features exist.
    """
    protect_secrets(settings.secret_values())
    start = settings.clock_start.timestamp() if settings.clock_start else None
    clock = clock or ScaledClock(settings.clock_speed, settings.clock_anchor, start)
    config = CoachConfig(
        reward_min_minutes=settings.reward_min_minutes,
    )
    schedule_config = scheduler_config(settings)
    learners = Learners(LearnerDefaults(settings.language, settings.timezone), clock)
    coach = Coach(config, clock, learners)
    planner = Planner(learners, clock)
    # The bank is validated here, so a bad question stops the bot at start-up, not mid-quiz.
    quizzer = Quizzer(load_bank(), learners, planner, clock)
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
        updates=HandledUpdates(clock),
        learners=learners,
        coach=coach,
        planner=planner,
        quizzer=quizzer,
        tutor=Tutor(llm, coach, planner, clock, bank=quizzer.bank),
        scheduler=Scheduler(schedule_config, clock, learners),
        deliveries=Deliveries(schedule_config, clock),
        digests=Digests(
            clock,
            weekly_sections or plan_and_quiz_sections,
            default_standard=settings.reward_min_minutes,
        ),
        vision=build_vision(settings, clock),
        privacy=Privacy(learners, clock),
    )


def scheduler_config(settings: Settings) -> SchedulerConfig:
    """Scheduling's settings: the default schedule, the grace window and the claim lease."""
    weekly = parse_weekly(settings.weekly_time)
    nudge, recap = parse_clock(settings.nudge_time), parse_clock(settings.recap_time)
    assert weekly is not None and nudge is not None and recap is not None, "settings validate"
    return SchedulerConfig(
        defaults=ScheduleDefaults(nudge=Rule(nudge), recap=Rule(recap), weekly=weekly),
        grace=timedelta(minutes=settings.schedule_grace_minutes),
        lease=timedelta(seconds=settings.schedule_lease_seconds),
        default_standard=settings.reward_min_minutes,
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
