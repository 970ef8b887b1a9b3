"""Schedules and the delivery life cycle against a real, migrated database, without Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coach.blocks.service import Coach, CoachConfig
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.schedule.delivery import Claim, Deliveries, SendDecision
from coach.schedule.service import Scheduler
from coach.schedule.times import Rule, ScheduleKind
from db.database import Database
from db.models import BlockStatus, FocusBlock, Schedule, ScheduledDelivery, User
from db.scheduling import DeliveryStatus
from jobs.services import scheduler_config
from tests.support.clock import ManualClock
from tests.support.running_bot import make_settings


def deliveries_of(scheduler: Scheduler) -> Deliveries:
    """The delivery side of scheduling, on the scheduler's settings and clock."""
    return Deliveries(scheduler.config, scheduler.clock)


LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")
MEI = Identity(user_id=1002, chat_id=1002, first_name="Mei")
# Monday 2026-03-02, 08:00 in Shanghai.
MONDAY_8AM = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_8AM)


@pytest.fixture
def coach(clock: ManualClock) -> Coach:
    return Coach(
        CoachConfig(reward_min_minutes=35),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )


@pytest.fixture
def scheduler(database_url: str, clock: ManualClock, coach: Coach) -> Scheduler:
    # The shipped default times: this scheduler runs on a manual clock, not the real one.
    defaults = {"COACH_NUDGE_TIME": "09:00", "COACH_RECAP_TIME": "21:30"}
    settings = make_settings(
        database_url, "http://127.0.0.1:9", **defaults, COACH_WEEKLY_TIME="sun 20:00"
    )
    return Scheduler(scheduler_config(settings), clock, coach.learners)


async def _enroll(database: Database, coach: Coach, scheduler: Scheduler, *who: Identity) -> None:
    async with database.session() as session:
        for identity in who:
            await coach.learners.profile(session, identity)
        await scheduler.enroll(session)
        await session.commit()


async def _claim(database: Database, scheduler: Scheduler, owner: str = "a") -> list[Claim]:
    async with database.session() as session:
        batch = await deliveries_of(scheduler).claim_due(session, owner, 100)
        await session.commit()
    return list(batch.claims)


async def _schedule(database: Database, user_id: int, kind: str) -> Schedule:
    async with database.session() as session:
        schedule = await session.get(Schedule, (user_id, kind))
    assert schedule is not None
    return schedule


async def _deliveries(database: Database) -> list[ScheduledDelivery]:
    async with database.session() as session:
        rows = await session.scalars(select(ScheduledDelivery).order_by(ScheduledDelivery.id))
        return list(rows.all())


async def test_new_learners_get_the_default_schedule_in_their_timezone(
    database: Database, coach: Coach, scheduler: Scheduler
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    nudge = await _schedule(database, LIN.user_id, "nudge")
    recap = await _schedule(database, LIN.user_id, "recap")
    weekly = await _schedule(database, LIN.user_id, "weekly")
    # 09:00 and 21:30 today in Shanghai; the weekly summary on Sunday 20:00.
    assert nudge.next_due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert recap.next_due_at == datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    assert weekly.next_due_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert (weekly.weekday, weekly.next_local_date) == (6, date(2026, 3, 8))
    async with database.session() as session:
        assert await scheduler.enroll(session) == 0, "enrolling twice adds nothing"


async def test_a_due_firing_is_claimed_once_and_the_schedule_moves_to_tomorrow(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    assert await _claim(database, scheduler) == []
    clock.advance(hours=1)
    [claim] = await _claim(database, scheduler, "a")
    assert (claim.kind, claim.local_date, claim.late) == (
        ScheduleKind.NUDGE,
        date(2026, 3, 2),
        False,
    )
    assert await _claim(database, scheduler, "b") == []
    nudge = await _schedule(database, LIN.user_id, "nudge")
    assert nudge.next_due_at == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


async def test_moving_the_nudge_later_after_it_was_sent_waits_for_tomorrow(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    clock.advance(hours=1)
    [claim] = await _claim(database, scheduler)
    async with database.session() as session:
        assert (
            await deliveries_of(scheduler).start_sending(session, claim, "a") is SendDecision.SEND
        )
        await deliveries_of(scheduler).sent(session, claim, "a")
        overview = await scheduler.set_time(session, LIN, ScheduleKind.NUDGE, Rule(10 * 60))
        await session.commit()
    assert overview.entry(ScheduleKind.NUDGE).next_due_at == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


async def test_a_weekly_time_without_a_day_keeps_the_day(
    database: Database, coach: Coach, scheduler: Scheduler
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    async with database.session() as session:
        await scheduler.set_time(session, LIN, ScheduleKind.WEEKLY, Rule(19 * 60, 5))
        overview = await scheduler.set_time(session, LIN, ScheduleKind.WEEKLY, Rule(20 * 60))
        await session.commit()
    weekly = overview.entry(ScheduleKind.WEEKLY)
    assert weekly.rule == Rule(20 * 60, 5)
    # Saturday 2026-03-07, 20:00 in Shanghai.
    assert weekly.next_due_at == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


async def test_the_grace_window_decides_between_late_and_skipped(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    clock.advance(hours=2, minutes=30)  # 10:30: the 09:00 nudge is 90 minutes late
    [late] = await _claim(database, scheduler)
    assert late.kind == ScheduleKind.NUDGE and late.late
    clock.advance(hours=13, minutes=30)  # 00:00 next day: the 21:30 recap is 2.5 h late
    assert await _claim(database, scheduler) == []
    skipped = [d for d in await _deliveries(database) if d.kind == "recap"]
    assert [(d.status, d.detail) for d in skipped] == [
        (DeliveryStatus.SKIPPED, "past the grace window")
    ]
    recap = await _schedule(database, LIN.user_id, "recap")
    assert recap.next_local_date == date(2026, 3, 3), "the next recap is still tonight's"


async def test_a_pause_stops_every_message_and_keeps_the_streak(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    async with database.session() as session:
        # A completed block yesterday (Sunday).
        session.add(
            FocusBlock(
                user_id=LIN.user_id,
                topic="ViT",
                planned_minutes=45,
                status=BlockStatus.COMPLETED,
                started_at=MONDAY_8AM - timedelta(days=1),
                planned_end_at=MONDAY_8AM - timedelta(days=1, minutes=-45),
                finished_at=MONDAY_8AM - timedelta(days=1, minutes=-45),
                local_date=date(2026, 3, 1),
                late=False,
            )
        )
        overview = await scheduler.pause(session, LIN, 3)
        await session.commit()
    assert overview.pause == (date(2026, 3, 2), date(2026, 3, 4))
    nudge = overview.entry(ScheduleKind.NUDGE)
    assert nudge.next_due_at == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    assert overview.entry(ScheduleKind.WEEKLY).next_due_at == datetime(
        2026, 3, 8, 12, 0, tzinfo=UTC
    )
    clock.advance(days=3)  # Thursday 08:00: three paused days and no block since Sunday
    async with database.session() as session:
        status = await coach.status(session, LIN)
    assert status.streak == 1, "paused days neither count nor break the streak"
    clock.advance(days=-2)  # back to Tuesday: resume, and today's 09:00 nudge is on again
    async with database.session() as session:
        resumed, was_paused = await scheduler.resume(session, LIN)
        await session.commit()
    assert was_paused and resumed.pause is None
    assert resumed.entry(ScheduleKind.NUDGE).next_due_at == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


async def test_a_blocked_learner_stops_until_they_write_again(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN, MEI)
    clock.advance(hours=1)
    claims = await _claim(database, scheduler)
    assert {claim.user_id for claim in claims} == {LIN.user_id, MEI.user_id}
    lin_claim = next(claim for claim in claims if claim.user_id == LIN.user_id)
    async with database.session() as session:
        await deliveries_of(scheduler).start_sending(session, lin_claim, "a")
        await deliveries_of(scheduler).blocked(session, lin_claim, "a")
        await session.commit()
    async with database.session() as session:
        lin = await session.get(User, LIN.user_id)
        assert lin is not None and not lin.active
        armed = await session.scalar(
            select(func.count())
            .select_from(Schedule)
            .where(Schedule.user_id == LIN.user_id, Schedule.next_due_at.is_not(None))
        )
    assert armed == 0
    clock.advance(days=1)
    assert {claim.user_id for claim in await _claim(database, scheduler)} == {MEI.user_id}
    async with database.session() as session:
        await coach.learners.profile(session, LIN)  # Lin writes to the bot again
        await session.commit()
        assert await scheduler.rearm(session) == 3
        await session.commit()
    nudge = await _schedule(database, LIN.user_id, "nudge")
    assert nudge.next_due_at == datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


async def test_a_learner_is_enrolled_as_soon_as_they_write(
    database: Database, coach: Coach, scheduler: Scheduler
) -> None:
    async with database.session() as session:
        await coach.learners.profile(session, LIN)
        due = await scheduler.keep_up(session, LIN.user_id)
        await session.commit()
    assert due == datetime(2026, 3, 2, 1, 0, tzinfo=UTC), "today's 09:00 nudge"
    assert (await _schedule(database, LIN.user_id, "weekly")).weekday == 6


async def test_a_timezone_changed_elsewhere_is_followed(
    database: Database, coach: Coach, scheduler: Scheduler
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    async with database.session() as session:
        await coach.learners.set_timezone(session, LIN, "America/New_York")  # the core /timezone
        await scheduler.keep_up(session, LIN.user_id)
        await session.commit()
    nudge = await _schedule(database, LIN.user_id, "nudge")
    # Monday 00:00 UTC is Sunday 19:00 in New York: the next nudge is Monday 09:00 EST.
    assert (nudge.zone, nudge.next_due_at) == (
        "America/New_York",
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
    )


async def test_claims_of_a_dead_process_are_taken_over_and_in_flight_ones_never_resent(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN, MEI)
    clock.advance(hours=1)
    claims = await _claim(database, scheduler, "dead")
    in_flight, untouched = sorted(claims, key=lambda claim: claim.user_id)
    async with database.session() as session:
        assert (
            await deliveries_of(scheduler).start_sending(session, in_flight, "dead")
            is SendDecision.SEND
        )
        await session.commit()
    async with database.session() as session:
        assert (await deliveries_of(scheduler).reclaim(session, "alive", 10)).claims == ()
    clock.advance(minutes=6)  # past the 5-minute lease
    async with database.session() as session:
        assert await deliveries_of(scheduler).expire_in_flight(session) == 1
        taken = await deliveries_of(scheduler).reclaim(session, "alive", 10)
        await session.commit()
    assert [claim.user_id for claim in taken.claims] == [untouched.user_id]
    async with database.session() as session:
        assert (
            await deliveries_of(scheduler).start_sending(session, untouched, "dead")
            is SendDecision.TAKEN
        )
        assert (
            await deliveries_of(scheduler).start_sending(session, untouched, "alive")
            is SendDecision.SEND
        )
        await session.commit()
    statuses = {d.user_id: d.status for d in await _deliveries(database)}
    assert statuses == {
        in_flight.user_id: DeliveryStatus.UNKNOWN,
        untouched.user_id: DeliveryStatus.SENDING,
    }


async def test_a_released_delivery_is_retried_within_the_grace_window(
    database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    await _enroll(database, coach, scheduler, LIN)
    clock.advance(hours=1)
    [claim] = await _claim(database, scheduler)
    async with database.session() as session:
        await deliveries_of(scheduler).start_sending(session, claim, "a")
        await deliveries_of(scheduler).release(session, claim, "a", "429")
        await session.commit()
    clock.advance(minutes=10)
    async with database.session() as session:
        [again] = (await deliveries_of(scheduler).reclaim(session, "a", 10)).claims
        await session.commit()
    assert again.delivery_id == claim.delivery_id and again.late
    clock.advance(hours=3)
    async with database.session() as session:
        await deliveries_of(scheduler).release(session, again, "a", "429 again")
        await session.commit()
    async with database.session() as session:
        expired = await deliveries_of(scheduler).reclaim(session, "a", 10)
        await session.commit()
    assert (expired.claims, expired.skipped) == ((), 1)


async def test_two_claimers_at_once_never_claim_the_same_firing(
    backend: str, database: Database, coach: Coach, scheduler: Scheduler, clock: ManualClock
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite serves one process; concurrent claimers are a PostgreSQL setup")
    learners = [Identity(user_id=2000 + n, chat_id=2000 + n) for n in range(60)]
    await _enroll(database, coach, scheduler, *learners)
    clock.advance(hours=1)

    async def claimer(owner: str) -> list[Claim]:
        claimed: list[Claim] = []
        while True:
            async with database.session() as session:
                batch = await deliveries_of(scheduler).claim_due(session, owner, 7)
                await session.commit()
            if not batch.examined:
                return claimed
            claimed.extend(batch.claims)

    first, second = await asyncio.gather(claimer("a"), claimer("b"))
    ids = [claim.delivery_id for claim in first + second]
    assert first and second, "both claimers took part"
    assert len(ids) == len(set(ids)) == 60
    assert sorted(claim.user_id for claim in first + second) == [n.user_id for n in learners]


async def test_keep_up_is_skipped_only_for_learners_seen_in_step_without_a_change(
    database: Database, coach: Coach, scheduler: Scheduler
) -> None:
    assert scheduler.may_be_out_of_step(LIN.user_id, changed=False), "never seen: check"
    async with database.session() as session:
        await scheduler.keep_up(session, LIN.user_id)  # not a learner yet
        await session.commit()
    assert scheduler.may_be_out_of_step(LIN.user_id, changed=False), "nothing was enrolled"
    async with database.session() as session:
        await coach.learners.profile(session, LIN)  # Lin's first message
        await scheduler.keep_up(session, LIN.user_id)
        await session.commit()
    assert (await _schedule(database, LIN.user_id, "nudge")).next_due_at is not None
    assert not scheduler.may_be_out_of_step(LIN.user_id, changed=False)
    assert scheduler.may_be_out_of_step(LIN.user_id, changed=True), "a change is always checked"
    scheduler.forget_in_step(LIN.user_id)  # keep_up's work was not committed
    assert scheduler.may_be_out_of_step(LIN.user_id, changed=False)
    async with database.session() as session:
        lin = await session.get(User, LIN.user_id)
        assert lin is not None
        lin.active = False  # blocked the bot (a 403, maybe in another process)
        await session.commit()
        await scheduler.keep_up(session, LIN.user_id)
    assert scheduler.may_be_out_of_step(LIN.user_id, changed=False), "inactive: check again"
