"""Queries of scheduled coaching: schedules, deliveries, pauses, and the activity a digest shows.

Repositories flush but never commit: the caller does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    BlockStatus,
    DailyNote,
    FocusBlock,
    RewardGrant,
    Schedule,
    ScheduledDelivery,
    SchedulePause,
    User,
)


class DeliveryStatus:
    """The life of a scheduled delivery (stored as plain strings)."""

    CLAIMED = "claimed"  # reserved by a process; safe to take over after the lease
    SENDING = "sending"  # the request is (or was) in flight: never sent a second time
    SENT = "sent"
    SKIPPED = "skipped"  # too late (past the grace window) or paused
    FAILED = "failed"  # Telegram refused it for good (blocked, chat gone, bad request)
    UNKNOWN = "unknown"  # its sender vanished mid-request; whether it arrived is unknown


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@dataclass(frozen=True)
class DueRow:
    """A due schedule, locked for this transaction, with what is needed to advance it."""

    schedule: Schedule
    timezone: str
    active: bool


class ScheduleRepository:
    """Per-learner schedules."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_user(self, user_id: int) -> list[Schedule]:
        """The learner's schedules (none before they are enrolled)."""
        rows = await self.session.scalars(
            select(Schedule).where(Schedule.user_id == user_id).order_by(Schedule.kind)
        )
        return list(rows.all())

    async def add_missing(self, schedules: Sequence[Schedule]) -> None:
        """Insert schedules, leaving alone any (user, kind) that another process inserted."""
        if not schedules:
            return
        rows = [
            {
                "user_id": s.user_id,
                "kind": s.kind,
                "local_minutes": s.local_minutes,
                "weekday": s.weekday,
                "enabled": s.enabled,
                "zone": s.zone,
                "next_due_at": s.next_due_at,
                "next_local_date": s.next_local_date,
                "updated_at": s.updated_at,
            }
            for s in schedules
        ]
        # Many rows as one executemany, which SQLAlchemy sends in batches of VALUES.
        statement = _insert(self.session)(Schedule).on_conflict_do_nothing(
            index_elements=["user_id", "kind"]
        )
        await self.session.execute(statement, rows)

    async def users_without_schedules(self, limit: int) -> Sequence[User]:
        """Active learners not enrolled yet (new ones, or ones from before this feature)."""
        rows = await self.session.scalars(
            select(User)
            .outerjoin(Schedule, Schedule.user_id == User.id)
            .where(Schedule.user_id.is_(None), User.active.is_(True))
            .order_by(User.id)
            .limit(limit)
        )
        return rows.all()

    async def unarmed(self, limit: int) -> Sequence[tuple[Schedule, User]]:
        """Switched-on schedules without a next firing whose learner is active again."""
        rows = await self.session.execute(
            select(Schedule, User)
            .join(User, User.id == Schedule.user_id)
            .where(
                Schedule.next_due_at.is_(None),
                Schedule.enabled.is_(True),
                User.active.is_(True),
            )
            .limit(limit)
        )
        return [(schedule, user) for schedule, user in rows.all()]

    async def lock_due(self, now: datetime, limit: int) -> list[DueRow]:
        """Due schedules, oldest first, locked; rows another process holds are skipped.

        On PostgreSQL this is `SELECT … FOR UPDATE SKIP LOCKED`; SQLite ignores the clause
        (one process writes at a time there) and the delivery constraint still guards.
        """
        rows = await self.session.execute(
            select(Schedule, User.timezone, User.active)
            .join(User, User.id == Schedule.user_id)
            .where(Schedule.next_due_at <= now)
            .order_by(Schedule.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Schedule)
        )
        return [DueRow(schedule, timezone, active) for schedule, timezone, active in rows.all()]

    async def stop_all(self, user_id: int, now: datetime) -> None:
        """No more firings for this learner (they blocked the bot)."""
        await self.session.execute(
            update(Schedule)
            .where(Schedule.user_id == user_id)
            .values(next_due_at=None, next_local_date=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def earliest_due(self) -> datetime | None:
        """The soonest firing of any schedule."""
        return await self.session.scalar(select(func.min(Schedule.next_due_at)))


class DeliveryRepository:
    """Scheduled deliveries: one row per (learner, kind, local date)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert_new(self, rows: Sequence[dict[str, Any]]) -> list[ScheduledDelivery]:
        """Insert deliveries; returns the ones inserted (an existing occurrence is left alone)."""
        if not rows:
            return []
        statement = (
            _insert(self.session)(ScheduledDelivery)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "local_date"])
            .returning(ScheduledDelivery)
        )
        result = await self.session.scalars(
            statement, execution_options={"populate_existing": True}
        )
        return list(result.all())

    async def dates_taken(self, user_id: int, kind: str, since: date) -> set[date]:
        """Local dates on or after `since` that already have a delivery of this kind."""
        rows = await self.session.scalars(
            select(ScheduledDelivery.local_date).where(
                ScheduledDelivery.user_id == user_id,
                ScheduledDelivery.kind == kind,
                ScheduledDelivery.local_date >= since,
            )
        )
        return set(rows.all())

    async def lock_released(
        self, stale_before: datetime, limit: int
    ) -> Sequence[ScheduledDelivery]:
        """Claimed deliveries nobody is working on: released, or their claimer's lease ran out."""
        rows = await self.session.scalars(
            select(ScheduledDelivery)
            .where(
                ScheduledDelivery.status == DeliveryStatus.CLAIMED,
                or_(
                    ScheduledDelivery.claimed_by.is_(None),
                    ScheduledDelivery.claimed_at < stale_before,
                ),
            )
            .order_by(ScheduledDelivery.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return rows.all()

    async def give_up_in_flight(self, stale_before: datetime) -> int:
        """Deliveries whose sender vanished mid-request become `unknown`; never sent again."""
        result = await self.session.execute(
            update(ScheduledDelivery)
            .where(
                ScheduledDelivery.status == DeliveryStatus.SENDING,
                ScheduledDelivery.claimed_at < stale_before,
            )
            .values(status=DeliveryStatus.UNKNOWN, detail="sender vanished mid-request")
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def start_sending(self, delivery_id: int, owner: str, now: datetime) -> bool:
        """Claimed by `owner` → sending; False if someone else took it over meanwhile."""
        result = await self.session.execute(
            update(ScheduledDelivery)
            .where(
                ScheduledDelivery.id == delivery_id,
                ScheduledDelivery.status == DeliveryStatus.CLAIMED,
                ScheduledDelivery.claimed_by == owner,
            )
            .values(
                status=DeliveryStatus.SENDING,
                claimed_at=now,
                attempts=ScheduledDelivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def settle(
        self,
        delivery_id: int,
        owner: str,
        status: str,
        *,
        sent_at: datetime | None = None,
        detail: str | None = None,
    ) -> None:
        """Record how `owner`'s attempt ended; a released delivery goes back to `claimed`."""
        values: dict[str, Any] = {"status": status, "detail": detail[:200] if detail else None}
        if sent_at is not None:
            values["sent_at"] = sent_at
        if status == DeliveryStatus.CLAIMED:
            values["claimed_by"] = None
        await self.session.execute(
            update(ScheduledDelivery)
            .where(ScheduledDelivery.id == delivery_id, ScheduledDelivery.claimed_by == owner)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


# The streak reads these on every /status: built once, bound per call, on the tables (Core
# rows, no ORM loading).
_PAUSES = cast(Table, SchedulePause.__table__)
_BLOCKS = cast(Table, FocusBlock.__table__)
_PAUSE_SPANS = select(_PAUSES.c.user_id, _PAUSES.c.first_day, _PAUSES.c.last_day).where(
    _PAUSES.c.user_id.in_(bindparam("user_ids", expanding=True)),
    _PAUSES.c.last_day >= bindparam("since"),
)
_COMPLETED_SPANS = select(
    _BLOCKS.c.user_id, _BLOCKS.c.local_date, _BLOCKS.c.started_at, _BLOCKS.c.finished_at
).where(
    _BLOCKS.c.user_id.in_(bindparam("user_ids", expanding=True)),
    _BLOCKS.c.local_date >= bindparam("since"),
    _BLOCKS.c.status == BlockStatus.COMPLETED,
)


class PauseRepository:
    """Vacations."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current_or_next(self, user_id: int, today: date) -> SchedulePause | None:
        """The pause that covers today or starts later, if any."""
        return await self.session.scalar(
            select(SchedulePause)
            .where(SchedulePause.user_id == user_id, SchedulePause.last_day >= today)
            .order_by(SchedulePause.first_day)
            .limit(1)
        )

    async def for_users(
        self, user_ids: Sequence[int], since: date
    ) -> dict[int, list[SchedulePause]]:
        """The pauses of these learners that last until `since` or later."""
        if not user_ids:
            return {}
        rows = await self.session.scalars(
            select(SchedulePause).where(
                SchedulePause.user_id.in_(user_ids), SchedulePause.last_day >= since
            )
        )
        found: dict[int, list[SchedulePause]] = {}
        for pause in rows:
            found.setdefault(pause.user_id, []).append(pause)
        return found

    async def add(self, pause: SchedulePause) -> None:
        """Store a pause."""
        self.session.add(pause)
        await self.session.flush()

    async def remove(self, pause: SchedulePause) -> None:
        """Forget a pause that has not begun."""
        await self.session.delete(pause)
        await self.session.flush()

    async def days_since(self, user_id: int, since: date) -> set[date]:
        """Every paused local day on or after `since` (days that never break a streak)."""
        return (await self.days_of([user_id], since)).get(user_id, set())

    async def days_of(self, user_ids: Sequence[int], since: date) -> dict[int, set[date]]:
        """Each learner's paused local days on or after `since`."""
        days: dict[int, set[date]] = {}
        if not user_ids:
            return days
        rows = await self.session.execute(
            _PAUSE_SPANS, {"user_ids": list(user_ids), "since": since}
        )
        for user_id, first_day, last_day in rows:
            found = days.setdefault(user_id, set())
            day = max(first_day, since)
            while day <= last_day:
                found.add(day)
                day += timedelta(days=1)
        return days


class ActivityRepository:
    """A learner's blocks, notes and rewards over a range of local dates, for the digests."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def completed_blocks(self, user_id: int, first: date, last: date) -> list[FocusBlock]:
        """Completed blocks whose local date is within [first, last], in order."""
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(
                FocusBlock.user_id == user_id,
                FocusBlock.status == BlockStatus.COMPLETED,
                and_(FocusBlock.local_date >= first, FocusBlock.local_date <= last),
            )
            .order_by(FocusBlock.started_at, FocusBlock.id)
        )
        return list(rows.all())

    async def notes(self, user_id: int, first: date, last: date) -> list[DailyNote]:
        """Notes of the local dates within [first, last], in order."""
        rows = await self.session.scalars(
            select(DailyNote)
            .where(
                DailyNote.user_id == user_id,
                and_(DailyNote.local_date >= first, DailyNote.local_date <= last),
            )
            .order_by(DailyNote.created_at, DailyNote.id)
        )
        return list(rows.all())

    async def completed_blocks_on(
        self, days: Sequence[tuple[int, date]]
    ) -> dict[tuple[int, date], list[FocusBlock]]:
        """Completed blocks of each (learner, local date), in order."""
        found: dict[tuple[int, date], list[FocusBlock]] = {key: [] for key in days}
        if not days:
            return found
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(
                FocusBlock.user_id.in_({user_id for user_id, _ in days}),
                FocusBlock.local_date.in_({day for _, day in days}),
                FocusBlock.status == BlockStatus.COMPLETED,
            )
            .order_by(FocusBlock.started_at, FocusBlock.id)
        )
        for block in rows:
            key = (block.user_id, block.local_date)
            if key in found:
                found[key].append(block)
        return found

    async def notes_on(
        self, days: Sequence[tuple[int, date]]
    ) -> dict[tuple[int, date], list[DailyNote]]:
        """Notes of each (learner, local date), in order."""
        found: dict[tuple[int, date], list[DailyNote]] = {key: [] for key in days}
        if not days:
            return found
        rows = await self.session.scalars(
            select(DailyNote)
            .where(
                DailyNote.user_id.in_({user_id for user_id, _ in days}),
                DailyNote.local_date.in_({day for _, day in days}),
            )
            .order_by(DailyNote.created_at, DailyNote.id)
        )
        for note in rows:
            key = (note.user_id, note.local_date)
            if key in found:
                found[key].append(note)
        return found

    async def grants_for_blocks(self, block_ids: Sequence[int]) -> list[RewardGrant]:
        """Rewards taken for these blocks, in the order they were taken."""
        if not block_ids:
            return []
        rows = await self.session.scalars(
            select(RewardGrant)
            .where(RewardGrant.block_id.in_(block_ids))
            .order_by(RewardGrant.granted_at, RewardGrant.id)
        )
        return list(rows.all())

    async def completed_spans_of(
        self, user_ids: Sequence[int], since: date
    ) -> list[tuple[int, date, datetime, datetime | None]]:
        """(learner, local date, started, finished) of each completed block since `since`:
        what deciding which days met the standard needs, without loading whole blocks."""
        if not user_ids:
            return []
        rows = await self.session.execute(
            _COMPLETED_SPANS, {"user_ids": list(user_ids), "since": since}
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows.all()]
