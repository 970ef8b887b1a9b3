"""Scheduled coaching on the JobQueue: claim what is due in the database, send it, record it.

A safety tick runs every `COACH_SCHEDULE_TICK_SECONDS`, and a one-off wake-up is set for the
soonest firing in the database, so messages go out on the minute. Each tick enrolls new
learners, then claims due firings in batches (see `coach.scheduling` for why a message is sent
at most once, whatever the number of processes) and sends each batch a few at a time. The
Application's rate limiter keeps the whole process under `COACH_SEND_RATE` messages per second
and retries a 429 after its retry_after; a 403 marks the learner inactive; one failing learner
never stops the batch.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import schedule_keyboards
from bot.context import CoachContext
from bot.weekly import send_chart, send_draft
from coach import schedule_render
from coach.digests import WeeklySummary
from coach.schedule_times import ScheduleKind
from coach.scheduling import Claim, SendDecision
from coach.views import Profile

log = logging.getLogger(__name__)

TICK_JOB = "schedule-tick"
WAKEUP_JOB = "schedule-wakeup"
# Real seconds after a firing's instant at which the wake-up runs, so the clock has passed it.
WAKE_SLACK = 0.05


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
    markup: InlineKeyboardMarkup | None = None
    weekly: WeeklySummary | None = None


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
    async with services.database.session() as session:
        enrolled = await services.scheduler.enroll(session)
        rearmed = await services.scheduler.rearm(session)
        vanished = await services.scheduler.expire_in_flight(session)
        await session.commit()
    if enrolled or rearmed:
        log.info("scheduling: enrolled %d learner(s), re-armed %d schedule(s)", enrolled, rearmed)
    if vanished:
        log.warning("scheduling: %d delivery(ies) of a vanished sender marked unknown", vanished)


async def _dispatch(context: CoachContext, state: Runtime) -> None:
    services = context.services
    batch_size = services.settings.schedule_batch
    async with services.database.session() as session:
        # Released claims (a 429, a stopped process) are retried once per tick, not in a loop.
        taken_over = await services.scheduler.reclaim(session, state.owner, batch_size)
        await session.commit()
    await _fan_out(context, state, taken_over.claims)
    while context.application.running:
        async with services.database.session() as session:
            batch = await services.scheduler.claim_due(session, state.owner, batch_size)
            await session.commit()
        if not batch.examined:
            return
        if batch.claims or batch.skipped:
            log.info(
                "scheduling: claimed %d, skipped %d stale or paused",
                len(batch.claims),
                batch.skipped,
            )
        await _fan_out(context, state, batch.claims)


async def _fan_out(context: CoachContext, state: Runtime, claims: tuple[Claim, ...]) -> None:
    """Send a batch a few at a time; the rate limiter sets the pace."""
    pending = deque(claims)

    async def worker() -> None:
        while pending:
            claim = pending.popleft()
            if context.application.running:
                await deliver(context, state.owner, claim)
            else:
                await _settle(context, claim, state.owner, "release", "process stopping")

    concurrency = context.services.settings.schedule_concurrency
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(claims)))))


async def deliver(context: CoachContext, owner: str, claim: Claim) -> None:
    """Compose and send one claimed message and record the outcome; never raises."""
    services = context.services
    try:
        async with services.database.session() as session:
            decision = await services.scheduler.start_sending(session, claim, owner)
            outgoing = None
            if decision is SendDecision.SEND:
                outgoing = await _compose(context, session, claim)
            await session.commit()
    except Exception:
        log.exception("could not prepare the %s of user %s", claim.kind, claim.user_id)
        await _settle(context, claim, owner, "failed", "could not compose the message")
        return
    if decision is not SendDecision.SEND:
        return
    if outgoing is None:
        await _settle(context, claim, owner, "failed", "learner not found")
        return
    try:
        await _send(context, claim, outgoing)
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


async def _compose(context: CoachContext, session: Any, claim: Claim) -> Outgoing | None:
    digests = context.services.digests
    if claim.kind == ScheduleKind.WEEKLY:
        summary = await digests.weekly(session, claim.user_id, claim.local_date)
        return Outgoing(summary.profile, weekly=summary) if summary else None
    if claim.kind == ScheduleKind.NUDGE:
        nudge = await digests.nudge(session, claim.user_id, claim.local_date)
        if nudge is None:
            return None
        markup = None if nudge.blocks_today else _start_button(nudge.profile)
        return Outgoing(nudge.profile, schedule_render.nudge(nudge), markup)
    recap = await digests.recap(session, claim.user_id, claim.local_date)
    if recap is None:
        return None
    markup = None if recap.blocks else _start_button(recap.profile)
    return Outgoing(recap.profile, schedule_render.recap(recap), markup)


def _start_button(profile: Profile) -> InlineKeyboardMarkup:
    return schedule_keyboards.start_block_button(profile.language)


async def _send(context: CoachContext, claim: Claim, outgoing: Outgoing) -> None:
    now = context.services.clock.now()
    preface = schedule_render.late_line(outgoing.profile, claim.due_at, now) if claim.late else None
    if outgoing.weekly is not None:
        await send_chart(context.bot, outgoing.weekly, preface=preface)
        try:
            await send_draft(context.bot, outgoing.weekly)
        except TelegramError:
            # The chart went out: the delivery happened, and is never repeated for the draft.
            log.warning("weekly draft of user %s not sent", claim.user_id, exc_info=True)
        return
    text = f"{preface}\n\n{outgoing.text}" if preface else outgoing.text
    await context.bot.send_message(
        outgoing.profile.chat_id,
        schedule_render.clip(text, schedule_render.MAX_TEXT),
        reply_markup=outgoing.markup,
    )


async def _settle(
    context: CoachContext, claim: Claim, owner: str, outcome: str, detail: str | None
) -> None:
    """Record how a delivery ended; a database failure here is logged, not raised."""
    scheduler = context.services.scheduler
    try:
        async with context.services.database.session() as session:
            if outcome == "sent":
                await scheduler.sent(session, claim, owner)
            elif outcome == "blocked":
                await scheduler.blocked(session, claim, owner)
            elif outcome == "release":
                await scheduler.release(session, claim, owner, detail or "")
            elif outcome == "uncertain":
                await scheduler.uncertain(session, claim, owner, detail or "")
            else:
                await scheduler.failed(session, claim, owner, detail or "")
            await session.commit()
    except Exception:
        log.exception("could not record delivery %s as %s", claim.delivery_id, outcome)


async def _plan_wakeup(context: CoachContext) -> None:
    try:
        async with context.services.database.session() as session:
            due = await context.services.scheduler.earliest_due(session)
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


def start(context_jobs: Any, tick_seconds: float) -> None:
    """Start the safety tick (its first run is at start-up, to catch up after downtime)."""
    context_jobs.run_repeating(
        tick,
        interval=tick_seconds,
        first=0.0,
        name=TICK_JOB,
        # A long fan-out may overlap the next tick; that one returns at once.
        job_kwargs={"max_instances": 2},
    )
