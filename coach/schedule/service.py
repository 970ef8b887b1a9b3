"""Every learner's schedule: their settings (times, timezone, pauses, standard), and arming.

What is due lives in the database: each (learner, kind) has its next firing precomputed in
`schedules.next_due_at`; this module keeps it in step with the learner's settings. Claiming
and sending the firings is `coach.schedule.delivery`.

Methods flush and never commit; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.standard import DEFAULT_STANDARD_MINUTES, set_standard, user_standard
from coach.clock import Clock
from coach.learners.profile import Identity, Profile, profile_of
from coach.learners.registry import Learners
from coach.schedule.commands import MAX_PAUSE_DAYS
from coach.schedule.times import Occurrence, Rule, ScheduleKind, next_occurrence
from coach.timezones import parse_timezone
from db.models import Schedule, SchedulePause, User
from db.scheduling import (
    DeliveryRepository,
    PauseRepository,
    ScheduleRepository,
)

KINDS = (ScheduleKind.NUDGE, ScheduleKind.RECAP, ScheduleKind.WEEKLY)


@dataclass(frozen=True)
class ScheduleDefaults:
    """The schedule a new learner gets."""

    nudge: Rule
    recap: Rule
    weekly: Rule

    def rule(self, kind: ScheduleKind) -> Rule:
        """The default rule of one kind."""
        return {
            ScheduleKind.NUDGE: self.nudge,
            ScheduleKind.RECAP: self.recap,
            ScheduleKind.WEEKLY: self.weekly,
        }[kind]


@dataclass(frozen=True)
class SchedulerConfig:
    """The settings scheduling needs."""

    defaults: ScheduleDefaults
    # A firing found later than this is skipped rather than sent.
    grace: timedelta
    # How long a claim is held before another process may take it over.
    lease: timedelta
    # The Minimum Viable Day of a learner who set none (COACH_REWARD_MIN_MINUTES).
    default_standard: int = DEFAULT_STANDARD_MINUTES


@dataclass(frozen=True)
class ScheduleEntry:
    """One kind of message in a learner's schedule."""

    kind: ScheduleKind
    rule: Rule
    enabled: bool
    next_due_at: datetime | None


@dataclass(frozen=True)
class ScheduleOverview:
    """What `/settings` shows."""

    profile: Profile
    entries: tuple[ScheduleEntry, ...]
    pause: tuple[date, date] | None
    now: datetime
    # The learner's Minimum Viable Day: one completed block of this many worked minutes.
    standard_minutes: int = DEFAULT_STANDARD_MINUTES

    def entry(self, kind: ScheduleKind) -> ScheduleEntry:
        """The entry of one kind."""
        return next(entry for entry in self.entries if entry.kind == kind)


# How many learners the in-step memo holds before it starts over (about 4 MiB).
IN_STEP_MEMORY = 100_000


class Scheduler:
    """The learner's schedule settings, and keeping every schedule armed."""

    def __init__(self, config: SchedulerConfig, clock: Clock, learners: Learners) -> None:
        self.config = config
        self.clock = clock
        self.learners = learners
        # Learners this process has seen in step since it started. A learner changes only
        # through an update, and the process that handles it calls keep_up with changed=True,
        # so for the rest no database round trip per update is needed.
        self._in_step: set[int] = set()

    # -- the learner's settings -------------------------------------------------------------

    async def overview(self, session: AsyncSession, who: Identity) -> ScheduleOverview:
        """The learner's schedule, creating the default one on first use."""
        user = await self._user(session, who)
        return await self._overview(session, user)

    async def set_standard(
        self, session: AsyncSession, who: Identity, minutes: int
    ) -> ScheduleOverview:
        """The learner's own Minimum Viable Day (`/settings standard N`, 1–180, parsed)."""
        user = await self._user(session, who)
        set_standard(user, minutes)
        return await self._overview(session, user)

    async def set_time(
        self, session: AsyncSession, who: Identity, kind: ScheduleKind, rule: Rule
    ) -> ScheduleOverview:
        """Move one kind to a new local time (and weekday, for the weekly summary); switch it on.

        A weekly rule without a weekday (`/settings weekly 20:00`) keeps the day it had.
        """
        user = await self._user(session, who)
        schedule = (await self._schedules(session, user))[kind]
        schedule.local_minutes = rule.local_minutes
        if kind != ScheduleKind.WEEKLY:
            schedule.weekday = None
        elif rule.weekday is not None:
            schedule.weekday = rule.weekday
        elif schedule.weekday is None:
            schedule.weekday = self.config.defaults.weekly.weekday
        schedule.enabled = True
        await self._arm(session, user, [schedule])
        return await self._overview(session, user)

    async def switch_off(
        self, session: AsyncSession, who: Identity, kind: ScheduleKind
    ) -> ScheduleOverview:
        """Stop one kind of message until it is set again."""
        user = await self._user(session, who)
        schedule = (await self._schedules(session, user))[kind]
        schedule.enabled = False
        await self._arm(session, user, [schedule])
        return await self._overview(session, user)

    async def set_timezone(
        self, session: AsyncSession, who: Identity, name: str
    ) -> ScheduleOverview | None:
        """Change the learner's timezone and recompute every firing; None for a bad name."""
        if parse_timezone(name) is None:
            return None
        if await self.learners.set_timezone(session, who, name) is None:
            return None
        user = await self._user(session, who)
        await self._arm(session, user, (await self._schedules(session, user)).values())
        return await self._overview(session, user)

    async def pause(self, session: AsyncSession, who: Identity, days: int) -> ScheduleOverview:
        """No scheduled messages from today for `days` days; those days never break a streak."""
        if not 1 <= days <= MAX_PAUSE_DAYS:
            raise ValueError(f"a pause lasts 1 to {MAX_PAUSE_DAYS} days")
        user = await self._user(session, who)
        today = self._today(user)
        await self._end_pauses(session, user, today)
        await PauseRepository(session).add(
            SchedulePause(
                user_id=user.id,
                first_day=today,
                last_day=today + timedelta(days=days - 1),
                created_at=self.clock.now(),
            )
        )
        await self._arm(session, user, (await self._schedules(session, user)).values())
        return await self._overview(session, user)

    async def resume(self, session: AsyncSession, who: Identity) -> tuple[ScheduleOverview, bool]:
        """End the pause now; the flag says whether there was one."""
        user = await self._user(session, who)
        ended = await self._end_pauses(session, user, self._today(user))
        if ended:
            await self._arm(session, user, (await self._schedules(session, user)).values())
        return await self._overview(session, user), ended

    def may_be_out_of_step(self, user_id: int, changed: bool) -> bool:
        """Whether `keep_up` has anything to check after an update from this learner."""
        return changed or user_id not in self._in_step

    def forget_in_step(self, user_id: int) -> None:
        """`keep_up`'s work for this learner was not committed: check them next time."""
        self._in_step.discard(user_id)

    async def keep_up(self, session: AsyncSession, user_id: int) -> datetime | None:
        """After a learner wrote: enroll them if new, follow a timezone they changed elsewhere,
        re-arm them if they came back after blocking the bot. Returns their soonest firing."""
        user = await session.get(User, user_id)
        if user is None or not user.active:
            self._in_step.discard(user_id)
            return None
        if len(self._in_step) >= IN_STEP_MEMORY:
            self._in_step.clear()  # they are checked once more, then remembered again
        self._in_step.add(user_id)
        repository = ScheduleRepository(session)
        schedules = await repository.for_user(user.id)
        if len(schedules) < len(KINDS):
            schedules = list((await self._schedules(session, user)).values())
        stale = [
            schedule
            for schedule in schedules
            if schedule.zone != user.timezone or (schedule.enabled and schedule.next_due_at is None)
        ]
        if stale:
            await self._arm(session, user, stale)
        return min((s.next_due_at for s in schedules if s.next_due_at is not None), default=None)

    async def _user(self, session: AsyncSession, who: Identity) -> User:
        profile = await self.learners.profile(session, who)
        user = await session.get(User, profile.user_id)
        assert user is not None, "Coach.profile creates the learner"
        return user

    def _today(self, user: User) -> date:
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).date()

    async def _schedules(self, session: AsyncSession, user: User) -> dict[ScheduleKind, Schedule]:
        repository = ScheduleRepository(session)
        found = {ScheduleKind(s.kind): s for s in await repository.for_user(user.id)}
        missing = [kind for kind in KINDS if kind not in found]
        if missing:
            await repository.add_missing(self._defaults(user, missing, self.clock.now()))
            found = {ScheduleKind(s.kind): s for s in await repository.for_user(user.id)}
        return found

    async def _end_pauses(self, session: AsyncSession, user: User, today: date) -> bool:
        """Cut the current pause to yesterday and drop future ones; True if any was running."""
        pauses = PauseRepository(session)
        ended = False
        while (pause := await pauses.current_or_next(user.id, today)) is not None:
            ended = True
            if pause.first_day < today:
                pause.last_day = today - timedelta(days=1)
                await session.flush()
            else:
                await pauses.remove(pause)
        return ended

    async def _overview(self, session: AsyncSession, user: User) -> ScheduleOverview:
        schedules = await self._schedules(session, user)
        today = self._today(user)
        pause = await PauseRepository(session).current_or_next(user.id, today)
        return ScheduleOverview(
            profile=profile_of(user),
            entries=tuple(
                ScheduleEntry(
                    kind,
                    Rule(schedules[kind].local_minutes, schedules[kind].weekday),
                    schedules[kind].enabled,
                    schedules[kind].next_due_at,
                )
                for kind in KINDS
            ),
            pause=(pause.first_day, pause.last_day) if pause is not None else None,
            now=self.clock.now(),
            standard_minutes=user_standard(user, self.config.default_standard),
        )

    async def _arm(self, session: AsyncSession, user: User, schedules: Iterable[Schedule]) -> None:
        """Recompute the next firing of these schedules from now."""
        now = self.clock.now()
        zone = ZoneInfo(user.timezone)
        today = now.astimezone(zone).date()
        paused = paused_checker(await PauseRepository(session).for_users([user.id], today))
        deliveries = DeliveryRepository(session)
        for schedule in schedules:
            taken = await deliveries.dates_taken(user.id, schedule.kind, today - timedelta(days=1))
            occurrence = None
            if schedule.enabled and user.active:
                occurrence = next_occurrence(
                    rule_of(schedule),
                    zone,
                    now,
                    excluded=excluding(paused, user.id, taken),
                )
            place(schedule, user.timezone, occurrence, now)
        await session.flush()

    def _defaults(self, user: User, kinds: Sequence[ScheduleKind], now: datetime) -> list[Schedule]:
        zone = ZoneInfo(user.timezone)
        schedules = []
        for kind in kinds:
            rule = self.config.defaults.rule(kind)
            schedule = Schedule(
                user_id=user.id,
                kind=kind.value,
                local_minutes=rule.local_minutes,
                weekday=rule.weekday,
                enabled=True,
            )
            occurrence = next_occurrence(rule, zone, now) if user.active else None
            place(schedule, user.timezone, occurrence, now)
            schedules.append(schedule)
        return schedules

    # -- upkeep -----------------------------------------------------------------------------

    async def enroll(self, session: AsyncSession, limit: int = 1000) -> int:
        """Give active learners without a schedule the default one; returns how many."""
        users = await ScheduleRepository(session).users_without_schedules(limit)
        now = self.clock.now()
        schedules = [s for user in users for s in self._defaults(user, KINDS, now)]
        await ScheduleRepository(session).add_missing(schedules)
        return len(users)

    async def rearm(self, session: AsyncSession, limit: int = 1000) -> int:
        """Arm switched-on schedules of learners who are active again; returns how many."""
        unarmed = await ScheduleRepository(session).unarmed(limit)
        for schedule, user in unarmed:
            await self._arm(session, user, [schedule])
        return len(unarmed)


def rule_of(schedule: Schedule) -> Rule:
    """The schedule's rule: its local time and weekday."""
    return Rule(schedule.local_minutes, schedule.weekday)


def place(schedule: Schedule, zone: str, occurrence: Occurrence | None, now: datetime) -> None:
    """Arm the schedule for `occurrence` (None: it never fires) in `zone`."""
    schedule.zone = zone
    schedule.next_due_at = occurrence.due_at if occurrence else None
    schedule.next_local_date = occurrence.local_date if occurrence else None
    schedule.updated_at = now


def paused_checker(
    pauses: dict[int, list[SchedulePause]],
) -> Callable[[int, date], bool]:
    """Whether a learner paused coaching on a day."""

    def paused(user_id: int, day: date) -> bool:
        return any(p.first_day <= day <= p.last_day for p in pauses.get(user_id, ()))

    return paused


def excluding(
    paused: Callable[[int, date], bool], user_id: int, taken: Collection[date] = frozenset()
) -> Callable[[date], bool]:
    """Days a learner gets no firing: paused ones, and ones already delivered."""

    def excluded(day: date) -> bool:
        return day in taken or paused(user_id, day)

    return excluded
