"""The life of each scheduled delivery: claimed, sending, then sent, failed or skipped.

A process claims due firings in one short transaction (locking the schedule rows with SKIP
LOCKED on PostgreSQL), inserts one `scheduled_deliveries` row per firing — unique per
(learner, kind, local date), so no firing can be claimed twice — and advances the schedule.
The delivery then goes claimed → sending → sent/failed, each step committed, so a message is
sent at most once even across crashes and replicas:

- `claimed` rows of a process that died are taken over after the lease;
- a `sending` row whose sender vanished is marked `unknown` and never sent again;
- a firing found more than the grace window late is recorded as `skipped`, never sent.

Methods flush and never commit; the caller commits.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.schedule.service import (
    SchedulerConfig,
    excluding,
    paused_checker,
    place,
    rule_of,
)
from coach.schedule.times import ScheduleKind, next_occurrence
from db.models import ScheduledDelivery, User
from db.repositories import UserRepository
from db.scheduling import DeliveryRepository, DeliveryStatus, PauseRepository, ScheduleRepository

# A firing sent this much after its time says that it is late.
MESSAGE_LATE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    """A firing this process has claimed and now owes the learner."""

    delivery_id: int
    user_id: int
    kind: ScheduleKind
    local_date: date
    due_at: datetime
    late: bool


class SendDecision(enum.Enum):
    """Whether a claimed delivery should go out now."""

    SEND = "send"
    TAKEN = "taken"  # another process took the claim over


@dataclass(frozen=True)
class ClaimBatch:
    """The claims of one transaction, and how many firings were skipped as stale or paused."""

    claims: tuple[Claim, ...]
    skipped: int
    examined: int


class Deliveries:
    """Claiming due firings, and recording what became of each."""

    def __init__(self, config: SchedulerConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock

    async def expire_in_flight(self, session: AsyncSession) -> int:
        """Mark deliveries whose sender vanished mid-request as `unknown` (never resent)."""
        return await DeliveryRepository(session).give_up_in_flight(
            self.clock.now() - self.config.lease
        )

    async def earliest_due(self, session: AsyncSession) -> datetime | None:
        """When the next firing of any learner is due."""
        return await ScheduleRepository(session).earliest_due()

    # -- claiming ---------------------------------------------------------------------------

    async def claim_due(self, session: AsyncSession, owner: str, limit: int) -> ClaimBatch:
        """Claim up to `limit` due firings for `owner` and advance their schedules."""
        now = self.clock.now()
        rows = await ScheduleRepository(session).lock_due(now, limit)
        if not rows:
            return ClaimBatch((), 0, 0)
        pauses = await PauseRepository(session).for_users(
            sorted({row.schedule.user_id for row in rows}), (now - timedelta(days=2)).date()
        )
        paused = paused_checker(pauses)
        inserts = []
        for row in rows:
            schedule = row.schedule
            if not row.active:
                place(schedule, schedule.zone, None, now)
                continue
            zone = ZoneInfo(row.timezone)
            rule = rule_of(schedule)
            if schedule.zone != row.timezone or schedule.next_local_date is None:
                # The timezone changed behind the schedule's back: recompute, send nothing yet.
                place(schedule, row.timezone, next_occurrence(rule, zone, now), now)
                continue
            assert schedule.next_due_at is not None, "due rows have a firing"
            day, due = schedule.next_local_date, schedule.next_due_at
            status, detail = DeliveryStatus.CLAIMED, None
            if now - due > self.config.grace:
                status, detail = DeliveryStatus.SKIPPED, "past the grace window"
            elif paused(schedule.user_id, day):
                status, detail = DeliveryStatus.SKIPPED, "paused"
            inserts.append(
                {
                    "user_id": schedule.user_id,
                    "kind": schedule.kind,
                    "local_date": day,
                    "due_at": due,
                    "status": status,
                    "claimed_by": owner if status == DeliveryStatus.CLAIMED else None,
                    "claimed_at": now,
                    "attempts": 0,
                    "late": now - due > MESSAGE_LATE_AFTER,
                    "detail": detail,
                }
            )
            following = next_occurrence(
                rule,
                zone,
                now,
                earliest=day + timedelta(days=1),
                excluded=excluding(paused, schedule.user_id),
            )
            place(schedule, row.timezone, following, now)
        inserted = await DeliveryRepository(session).insert_new(inserts)
        await session.flush()
        claims = tuple(_claim(d) for d in inserted if d.status == DeliveryStatus.CLAIMED)
        skipped = sum(1 for d in inserted if d.status == DeliveryStatus.SKIPPED)
        return ClaimBatch(claims, skipped, len(rows))

    async def reclaim(self, session: AsyncSession, owner: str, limit: int) -> ClaimBatch:
        """Take over claims nobody works on (released after a 429, or of a dead process)."""
        now = self.clock.now()
        rows = await DeliveryRepository(session).lock_released(now - self.config.lease, limit)
        claims, skipped = [], 0
        for delivery in rows:
            if now - delivery.due_at > self.config.grace:
                delivery.status, delivery.detail = DeliveryStatus.SKIPPED, "past the grace window"
                skipped += 1
                continue
            delivery.claimed_by, delivery.claimed_at = owner, now
            delivery.late = now - delivery.due_at > MESSAGE_LATE_AFTER
            claims.append(_claim(delivery))
        await session.flush()
        return ClaimBatch(tuple(claims), skipped, len(rows))

    # -- one delivery -----------------------------------------------------------------------

    async def skip_reasons(self, session: AsyncSession, claims: Sequence[Claim]) -> dict[int, str]:
        """Claims that must not go out after all, by delivery id: the learner paused or left."""
        ids = sorted({claim.user_id for claim in claims})
        users = await UserRepository(session).get_many(ids)
        earliest = min((claim.local_date for claim in claims), default=None)
        pauses = await PauseRepository(session).for_users(ids, earliest) if earliest else {}
        paused = paused_checker(pauses)
        reasons = {}
        for claim in claims:
            user = users.get(claim.user_id)
            if user is None or not user.active:
                reasons[claim.delivery_id] = "inactive"
            elif paused(claim.user_id, claim.local_date):
                reasons[claim.delivery_id] = "paused"
        return reasons

    async def start_sending(self, session: AsyncSession, claim: Claim, owner: str) -> SendDecision:
        """Mark a claim as in flight; TAKEN if another process took it over meanwhile."""
        if await DeliveryRepository(session).start_sending(
            claim.delivery_id, owner, self.clock.now()
        ):
            return SendDecision.SEND
        return SendDecision.TAKEN

    async def skipped(self, session: AsyncSession, claim: Claim, owner: str, reason: str) -> None:
        """Not sent after all (paused, or no longer active)."""
        await DeliveryRepository(session).settle(
            claim.delivery_id, owner, DeliveryStatus.SKIPPED, detail=reason
        )

    async def sent(self, session: AsyncSession, claim: Claim, owner: str) -> None:
        """Telegram accepted the message."""
        await DeliveryRepository(session).settle(
            claim.delivery_id, owner, DeliveryStatus.SENT, sent_at=self.clock.now()
        )

    async def failed(self, session: AsyncSession, claim: Claim, owner: str, detail: str) -> None:
        """Telegram refused the message for good."""
        await DeliveryRepository(session).settle(
            claim.delivery_id, owner, DeliveryStatus.FAILED, detail=detail
        )

    async def uncertain(self, session: AsyncSession, claim: Claim, owner: str, detail: str) -> None:
        """The request may or may not have arrived (a timeout): never sent again."""
        await DeliveryRepository(session).settle(
            claim.delivery_id, owner, DeliveryStatus.UNKNOWN, detail=detail
        )

    async def release(self, session: AsyncSession, claim: Claim, owner: str, detail: str) -> None:
        """Not delivered but worth retrying (rate limit, network): back to claimed, unowned."""
        await DeliveryRepository(session).settle(
            claim.delivery_id, owner, DeliveryStatus.CLAIMED, detail=detail
        )

    async def blocked(self, session: AsyncSession, claim: Claim, owner: str) -> None:
        """The learner blocked the bot: inactive, schedule stopped, this delivery failed."""
        await self.failed(session, claim, owner, "blocked by the user")
        user = await session.get(User, claim.user_id)
        now = self.clock.now()
        if user is not None:
            user.active = False
            user.updated_at = now
        await ScheduleRepository(session).stop_all(claim.user_id, now)
        await session.flush()


def _claim(delivery: ScheduledDelivery) -> Claim:
    return Claim(
        delivery_id=delivery.id,
        user_id=delivery.user_id,
        kind=ScheduleKind(delivery.kind),
        local_date=delivery.local_date,
        due_at=delivery.due_at,
        late=delivery.late,
    )
