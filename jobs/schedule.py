"""Scheduled coaching on the JobQueue: claim what is due in the database, send it, record it.

A safety tick runs every `COACH_SCHEDULE_TICK_SECONDS`, and a one-off wake-up is set for the
soonest firing in the database, so messages go out on the minute. Each tick enrolls learners
who have no schedule yet, then claims due firings in batches (see `coach.schedule.service` for why
a message is sent at most once, whatever the number of processes), prepares each batch in a
few queries and sends it a few messages at a time while the next batch is claimed. The
Application's rate limiter (`bot.ratelimit`) keeps the whole process to `COACH_SEND_RATE`
messages in any second and retries a 429 after its retry_after; a 403 marks the learner
inactive; one failing learner never stops the batch.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from coach.learners.profile import Profile
from coach.pictures.progress import ProgressData
from coach.pictures.weekly import WeeklyChartData
from coach.progress.gather import is_last_plan_week, progress_data
from coach.replies import Keyboard
from coach.schedule import keyboards as schedule_keyboards
from coach.schedule import render as schedule_render
from coach.schedule.chart import weekly_chart_data
from coach.schedule.delivery import Claim, SendDecision
from coach.schedule.digests import WeeklySummary
from coach.schedule.times import ScheduleKind
from jobs.context import CoachContext
from jobs.telegram_out import markup
from jobs.weekly import send_chart, send_draft, send_progress

log = logging.getLogger(__name__)

TICK_JOB = "schedule-tick"
WAKEUP_JOB = "schedule-wakeup"
# Real seconds after a firing's instant at which the wake-up runs, so the clock has passed it.
WAKE_SLACK = 0.05
# Learners enrolled (or schedules re-armed) per transaction.
UPKEEP_BATCH = 1000


@dataclass
class Runtime:
    """This process's share of scheduling for one Application."""

    owner: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wakeup_at: datetime | None = None


_runtimes: WeakKeyDictionary[Any, Runtime] = WeakKeyDictionary()


def runtime(context: CoachContext) -> Runtime:
    """The scheduling state of this Application (one per Application, even in one process)."""
    application = context.application
    found = _runtimes.get(application)
    if found is None:
        owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        found = _runtimes[application] = Runtime(owner)
    return found


@dataclass(frozen=True)
class Outgoing:
    """A composed scheduled message: text with an optional button, or a weekly summary."""

    profile: Profile
    text: str = ""
    keyboard: Keyboard | None = None
    weekly: WeeklySummary | None = None
    # The weekly chart's today, paused days and standard; the /progress picture in the
    # plan's last week.
    chart: WeeklyChartData | None = None
    progress: ProgressData | None = None


async def tick(context: CoachContext) -> None:
    """Enroll new learners, then claim and send everything that is due."""
    state = runtime(context)
    if state.lock.locked():
        return  # the running tick loops until nothing is due, and plans the next wake-up
    async with state.lock:
        try:
            await _upkeep(context)
            await _dispatch(context, state)
        except Exception:
            log.exception("scheduled coaching tick failed; the next tick retries")
        finally:
            await _plan_wakeup(context)


async def _upkeep(context: CoachContext) -> None:
    services = context.services
    enrolled = rearmed = 0
    while True:
        async with services.database.session() as session:
            new = await services.scheduler.enroll(session, UPKEEP_BATCH)
            again = await services.scheduler.rearm(session, UPKEEP_BATCH)
            await session.commit()
        enrolled, rearmed = enrolled + new, rearmed + again
        if new < UPKEEP_BATCH and again < UPKEEP_BATCH:
            break
    async with services.database.session() as session:
        vanished = await services.deliveries.expire_in_flight(session)
        await session.commit()
    if enrolled or rearmed:
        log.info("scheduling: enrolled %d learner(s), re-armed %d schedule(s)", enrolled, rearmed)
    if vanished:
        log.warning("scheduling: %d delivery(ies) of a vanished sender marked unknown", vanished)


async def _dispatch(context: CoachContext, state: Runtime) -> None:
    """Claim and prepare batches while earlier ones are being sent: a pipeline, no gaps."""
    settings = context.services.settings
    # Room for about one batch ahead of the senders; claims waiting here are safe in the
    # database (a process that dies leaves them to be taken over after the lease).
    ready: asyncio.Queue[tuple[Claim, Prepared] | None] = asyncio.Queue(settings.schedule_batch)
    senders = settings.schedule_concurrency

    async def produce() -> None:
        try:
            async for claim, prepared in _prepared_batches(context, state):
                await ready.put((claim, prepared))
        finally:
            for _ in range(senders):
                await ready.put(None)

    async def send() -> None:
        while (item := await ready.get()) is not None:
            claim, prepared = item
            if context.application.running:
                await deliver(context, state.owner, claim, prepared)
            else:
                await _settle(context, claim, state.owner, "release", "process stopping")

    await asyncio.gather(produce(), *(send() for _ in range(senders)))


async def _prepared_batches(
    context: CoachContext, state: Runtime
) -> AsyncIterator[tuple[Claim, Prepared]]:
    """Released claims once (a 429, a stopped process), then due firings until none is left."""
    services = context.services
    batch_size = services.settings.schedule_batch
    async with services.database.session() as session:
        batch = await services.deliveries.reclaim(session, state.owner, batch_size)
        await session.commit()
    while True:
        if batch.claims or batch.skipped:
            log.info(
                "scheduling: claimed %d, skipped %d stale or paused",
                len(batch.claims),
                batch.skipped,
            )
        if batch.claims:
            try:
                async with services.database.session() as session:
                    prepared = await _prepare(context, session, batch.claims)
            except Exception:
                # Still claimed by this process: after the lease any process retries them.
                log.exception("could not prepare %d scheduled message(s)", len(batch.claims))
                return
            for claim in batch.claims:
                yield claim, prepared[claim.delivery_id]
        if not context.application.running:
            return
        async with services.database.session() as session:
            batch = await services.deliveries.claim_due(session, state.owner, batch_size)
            await session.commit()
        if not batch.examined:
            return


@dataclass(frozen=True)
class Skip:
    """A claim that is not sent after all: `skipped` (paused, left) or `failed`, and why."""

    reason: str
    outcome: str = "skipped"


Prepared = Outgoing | Skip | None


async def _prepare(
    context: CoachContext, session: Any, claims: tuple[Claim, ...]
) -> dict[int, Prepared]:
    """Each claim's message (None if the learner is gone), or why it is skipped."""
    services = context.services
    skips = await services.deliveries.skip_reasons(session, claims)
    allowed = services.settings.allowed_users
    for claim in claims:
        if allowed and claim.user_id not in allowed:
            skips[claim.delivery_id] = "not on COACH_ALLOWED_USERS"
    prepared: dict[int, Prepared] = {
        delivery_id: Skip(reason) for delivery_id, reason in skips.items()
    }
    todo = [claim for claim in claims if claim.delivery_id not in skips]
    nudges = await services.digests.nudges(
        session, [(c.user_id, c.local_date) for c in todo if c.kind == ScheduleKind.NUDGE]
    )
    recaps = await services.digests.recaps(
        session, [(c.user_id, c.local_date) for c in todo if c.kind == ScheduleKind.RECAP]
    )
    for claim in todo:
        key = (claim.user_id, claim.local_date)
        outgoing = None
        if claim.kind == ScheduleKind.NUDGE:
            nudge = nudges.get(key)
            if nudge is not None:
                markup = None if nudge.met_standard else _start_button(nudge.profile)
                outgoing = Outgoing(nudge.profile, schedule_render.nudge(nudge), markup)
        elif claim.kind == ScheduleKind.RECAP:
            recap = recaps.get(key)
            if recap is not None:
                markup = None if recap.met_standard else _start_button(recap.profile)
                outgoing = Outgoing(recap.profile, schedule_render.recap(recap), markup)
        else:
            try:
                summary = await services.digests.weekly(session, claim.user_id, claim.local_date)
                chart = progress = None
                if summary is not None:
                    chart = await weekly_chart_data(session, summary, claim.local_date)
                    progress = await progress_data(
                        session,
                        claim.user_id,
                        services.clock.now(),
                        services.quizzer.bank,
                        default_standard=services.settings.reward_min_minutes,
                    )
                    last = progress is not None and is_last_plan_week(progress, summary.week.number)
                    if not last:
                        progress = None
            except Exception:
                # One learner's summary must not hold up the batch.
                log.exception("could not build the weekly summary of user %s", claim.user_id)
                prepared[claim.delivery_id] = Skip("could not build the summary", "failed")
                continue
            if summary is not None and summary.week.number < 1:
                # Before the plan starts (`/plan start` ahead): there is no plan week to sum up.
                prepared[claim.delivery_id] = Skip("before the plan's start")
                continue
            if summary is not None:
                outgoing = Outgoing(summary.profile, weekly=summary, chart=chart, progress=progress)
        prepared[claim.delivery_id] = outgoing
    return prepared


async def deliver(context: CoachContext, owner: str, claim: Claim, prepared: Prepared) -> None:
    """Send one prepared message and record the outcome; never raises."""
    if isinstance(prepared, Skip):
        await _settle(context, claim, owner, prepared.outcome, prepared.reason)
        return
    if prepared is None:
        await _settle(context, claim, owner, "failed", "learner not found")
        return
    services = context.services
    try:
        async with services.database.session() as session:
            decision = await services.deliveries.start_sending(session, claim, owner)
            await session.commit()
    except Exception:
        log.exception("could not mark delivery %s as sending", claim.delivery_id)
        return  # still claimed: retried after the lease
    if decision is not SendDecision.SEND:
        return
    try:
        await _send(context, claim, prepared)
    except Forbidden:
        log.info("user %s blocked the bot; their schedule stops", claim.user_id)
        await _settle(context, claim, owner, "blocked", "blocked by the user")
    except RetryAfter as error:
        log.warning("rate limited for user %s (%s); retried next tick", claim.user_id, error)
        await _settle(context, claim, owner, "release", f"429: {error}")
    except TimedOut as error:
        # The request may have arrived: at most once means it is not sent again.
        await _settle(context, claim, owner, "uncertain", f"timed out: {error}")
    except NetworkError as error:
        log.warning("network error for user %s (%s); retried next tick", claim.user_id, error)
        await _settle(context, claim, owner, "release", f"network: {error}")
    except TelegramError as error:
        log.warning("Telegram refused the %s of user %s: %s", claim.kind, claim.user_id, error)
        await _settle(context, claim, owner, "failed", str(error))
    except Exception:
        log.exception("could not send the %s of user %s", claim.kind, claim.user_id)
        await _settle(context, claim, owner, "failed", "unexpected error while sending")
    else:
        await _settle(context, claim, owner, "sent", None)


def _start_button(profile: Profile) -> Keyboard:
    return schedule_keyboards.start_block_button(profile.language)


async def _send(context: CoachContext, claim: Claim, outgoing: Outgoing) -> None:
    now = context.services.clock.now()
    preface = schedule_render.late_line(outgoing.profile, claim.due_at, now) if claim.late else None
    if outgoing.weekly is not None:
        await send_chart(context.bot, outgoing.weekly, preface=preface, data=outgoing.chart)
        try:
            await send_draft(context.bot, outgoing.weekly)
            if outgoing.progress is not None:
                await send_progress(context.bot, outgoing.profile.chat_id, outgoing.progress)
        except TelegramError:
            # The chart went out: the delivery happened, and is never repeated for the rest.
            log.warning("weekly draft of user %s not sent", claim.user_id, exc_info=True)
        return
    text = f"{preface}\n\n{outgoing.text}" if preface else outgoing.text
    await context.bot.send_message(
        outgoing.profile.chat_id,
        schedule_render.clip(text, schedule_render.MAX_TEXT),
        reply_markup=markup(outgoing.keyboard),
    )


async def _settle(
    context: CoachContext, claim: Claim, owner: str, outcome: str, detail: str | None
) -> None:
    """Record how a delivery ended; a database failure here is logged, not raised."""
    deliveries = context.services.deliveries
    try:
        async with context.services.database.session() as session:
            if outcome == "sent":
                await deliveries.sent(session, claim, owner)
            elif outcome == "blocked":
                await deliveries.blocked(session, claim, owner)
            elif outcome == "release":
                await deliveries.release(session, claim, owner, detail or "")
            elif outcome == "uncertain":
                await deliveries.uncertain(session, claim, owner, detail or "")
            elif outcome == "skipped":
                await deliveries.skipped(session, claim, owner, detail or "")
            else:
                await deliveries.failed(session, claim, owner, detail or "")
            await session.commit()
    except Exception:
        log.exception("could not record delivery %s as %s", claim.delivery_id, outcome)


async def _plan_wakeup(context: CoachContext) -> None:
    try:
        async with context.services.database.session() as session:
            due = await context.services.deliveries.earliest_due(session)
    except Exception:
        log.exception("could not read the next due time; the safety tick covers it")
        return
    wake_at(context, due)


def wake_at(context: CoachContext, due: datetime | None) -> None:
    """Run a tick right when `due` comes, unless the safety tick or an earlier wake-up will."""
    if due is None:
        return
    services = context.services
    delay = services.clock.real_seconds_until(due)
    if delay >= services.settings.schedule_tick_seconds:
        return
    state = runtime(context)
    now = services.clock.now()
    if state.wakeup_at is not None and now < state.wakeup_at <= due:
        return
    state.wakeup_at = due
    context.jobs.run_once(tick, when=delay + WAKE_SLACK, name=WAKEUP_JOB)


def start(job_queue: Any, tick_seconds: float) -> None:
    """Tick at start-up (to catch up after downtime), then every `tick_seconds`."""
    # A repeating job added before the scheduler starts would skip a `first=0` run.
    job_queue.run_once(tick, when=0, name=WAKEUP_JOB)
    job_queue.run_repeating(
        tick,
        interval=tick_seconds,
        first=tick_seconds,
        name=TICK_JOB,
        # A long fan-out may overlap the next tick; that one returns at once.
        job_kwargs={"max_instances": 2},
    )


async def keep_up_after_update(update: Update, context: CoachContext) -> None:
    """Bring the sender's schedule in step with what the update changed (a handler of group 1)."""
    user = update.effective_user
    services = context.services
    if user is None or not services.scheduler.may_be_out_of_step(user.id, context.learner_changed):
        return
    try:
        async with services.database.session() as session:
            due = await services.scheduler.keep_up(session, user.id)
            await session.commit()
    except Exception:
        services.scheduler.forget_in_step(user.id)
        raise
    wake_at(context, due)
