"""What the scheduled messages say, gathered from the database as plain values.

The morning nudge, the evening recap and the weekly summary each have a digest here; rendering
them into the learner's language is `coach.schedule.render`, drawing the weekly chart
`coach.pictures.weekly`, writing the Markdown draft `coach.schedule.weekly_draft`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.standard import streak_days
from coach.clock import Clock
from coach.learners.profile import Profile, profile_of
from coach.plan.weeks import SUNDAY, Week, week_number, week_of
from coach.schedule.commands import CurrentWeek, PlanWeek, WeekRequest, WeeksAgo
from coach.schedule.suggestions import due_reviews, todays_suggestion
from db.models import DailyNote, FocusBlock, User
from db.repositories import UserRepository
from db.scheduling import ActivityRepository, PauseRepository, ScheduleRepository
from db.study_repositories import PlanRepository

# How far back a streak is looked for (as /status does).
STREAK_WINDOW = timedelta(days=400)
# A learner and one of their local dates.
DayKey = tuple[int, date]


@dataclass(frozen=True)
class BlockLine:
    """A completed focus block as a digest lists it."""

    local_date: date
    topic: str
    minutes: int
    started_at: datetime
    recap: str | None

    @classmethod
    def of(cls, block: FocusBlock) -> BlockLine:
        """Copy what matters out of a model."""
        finished = block.finished_at or block.planned_end_at
        return cls(
            local_date=block.local_date,
            topic=block.topic,
            minutes=int((finished - block.started_at).total_seconds() // 60),
            started_at=block.started_at,
            recap=block.recap,
        )


@dataclass(frozen=True)
class NoteLine:
    """A note of the plan's "今日记录"."""

    local_date: date
    text: str

    @classmethod
    def of(cls, note: DailyNote) -> NoteLine:
        """Copy what matters out of a model."""
        return cls(note.local_date, note.text)


@dataclass(frozen=True)
class NudgeDigest:
    """The morning nudge: today's suggestion, or congratulations if a block is already done."""

    profile: Profile
    local_date: date
    blocks_today: int
    minutes_today: int
    suggestion: str | None
    due_reviews: int = 0


@dataclass(frozen=True)
class DayRecap:
    """The evening recap of one local day."""

    profile: Profile
    local_date: date
    blocks: tuple[BlockLine, ...]
    notes: tuple[NoteLine, ...]
    rewards: tuple[str, ...]
    streak: int

    @property
    def minutes(self) -> int:
        """Minutes of focus that day."""
        return sum(block.minutes for block in self.blocks)


@dataclass(frozen=True)
class DayTotals:
    """One bar of the weekly chart."""

    day: date
    blocks: int
    minutes: int


@dataclass(frozen=True)
class PlanProgress:
    """The plan's checklist for the week: items ticked off out of all."""

    done: int
    total: int


@dataclass(frozen=True)
class QuizAccuracy:
    """The week's quizzes: answers right out of answered."""

    correct: int
    answered: int


@dataclass(frozen=True)
class DemoRecord:
    """The week's CLIP / VLM demo runs, one line each, and their table for the draft."""

    entries: tuple[str, ...]
    # A Markdown section ("CLIP / VLM demo record") appended to the week's draft.
    markdown: str = ""


@dataclass(frozen=True)
class WeeklySections:
    """Sections other features add to the weekly summary; each is left out while None."""

    plan_progress: PlanProgress | None = None
    quiz_accuracy: QuizAccuracy | None = None
    demo_record: DemoRecord | None = None


# Where the optional sections come from, once the plan, quiz and vision features are wired in.
SectionSource = Callable[[AsyncSession, User, Week], Awaitable[WeeklySections]]


@dataclass(frozen=True)
class WeeklySummary:
    """One week of the plan, as the summary, the chart and the Markdown draft show it."""

    profile: Profile
    week: Week
    days: tuple[DayTotals, ...]
    blocks: tuple[BlockLine, ...]
    notes: tuple[NoteLine, ...]
    rewards: tuple[str, ...]
    streak: int
    sections: WeeklySections = field(default_factory=WeeklySections)

    @property
    def total_blocks(self) -> int:
        """Completed blocks in the week."""
        return len(self.blocks)

    @property
    def total_minutes(self) -> int:
        """Minutes of focus in the week."""
        return sum(block.minutes for block in self.blocks)

    @property
    def active_days(self) -> int:
        """Days with at least one completed block."""
        return sum(1 for day in self.days if day.blocks)

    @property
    def longest(self) -> BlockLine | None:
        """The longest block of the week (the earliest of equals)."""
        return max(self.blocks, key=lambda block: block.minutes, default=None)

    @property
    def reward_counts(self) -> list[tuple[str, int]]:
        """Rewards taken, most frequent first."""
        return Counter(self.rewards).most_common()


@dataclass(frozen=True)
class WeekRefused:
    """`/week` asked for a week that has no summary; `key` says why."""

    profile: Profile
    key: str
    values: dict[str, object] = field(default_factory=dict)


class Digests:
    """Builds the digests of the scheduled messages and of `/week`."""

    def __init__(self, clock: Clock, sections: SectionSource | None = None) -> None:
        self.clock = clock
        self.sections = sections

    async def nudge(self, session: AsyncSession, user_id: int, day: date) -> NudgeDigest | None:
        """The morning nudge of `day`; None if the learner is gone."""
        return (await self.nudges(session, [(user_id, day)])).get((user_id, day))

    async def nudges(
        self, session: AsyncSession, days: Sequence[DayKey]
    ) -> dict[DayKey, NudgeDigest]:
        """The morning nudges of many (learner, local date) at once, in a few queries."""
        ids = sorted({user_id for user_id, _ in days})
        users = await UserRepository(session).get_many(ids)
        blocks = await ActivityRepository(session).completed_blocks_on(days)
        digests = {}
        for key in days:
            user_id, day = key
            user = users.get(user_id)
            if user is None:
                continue
            lines = [BlockLine.of(block) for block in blocks[key]]
            digests[key] = NudgeDigest(
                profile=profile_of(user),
                local_date=day,
                blocks_today=len(lines),
                minutes_today=sum(line.minutes for line in lines),
                suggestion=await todays_suggestion(session, user, day),
                due_reviews=await due_reviews(session, user, self.clock.now()),
            )
        return digests

    async def recap(self, session: AsyncSession, user_id: int, day: date) -> DayRecap | None:
        """The evening recap of `day`; None if the learner is gone."""
        return (await self.recaps(session, [(user_id, day)])).get((user_id, day))

    async def recaps(self, session: AsyncSession, days: Sequence[DayKey]) -> dict[DayKey, DayRecap]:
        """The evening recaps of many (learner, local date) at once, in a few queries."""
        if not days:
            return {}
        ids = sorted({user_id for user_id, _ in days})
        users = await UserRepository(session).get_many(ids)
        activity = ActivityRepository(session)
        blocks = await activity.completed_blocks_on(days)
        notes = await activity.notes_on(days)
        grants = await activity.grants_for_blocks(
            [block.id for found in blocks.values() for block in found]
        )
        rewards: dict[int, list[str]] = {}
        for grant in grants:
            rewards.setdefault(grant.block_id, []).append(grant.title)
        since = min(day for _, day in days) - STREAK_WINDOW
        active = await activity.completed_days_of(ids, since)
        rest = await PauseRepository(session).days_of(ids, since)
        recaps = {}
        for key in days:
            user_id, day = key
            user = users.get(user_id)
            if user is None:
                continue
            recaps[key] = DayRecap(
                profile=profile_of(user),
                local_date=day,
                blocks=tuple(BlockLine.of(block) for block in blocks[key]),
                notes=tuple(NoteLine.of(note) for note in notes[key]),
                rewards=tuple(t for block in blocks[key] for t in rewards.get(block.id, [])),
                streak=streak_days(
                    {d for d in active.get(user_id, set()) if d <= day},
                    day,
                    rest.get(user_id, set()),
                ),
            )
        return recaps

    async def weekly(self, session: AsyncSession, user_id: int, day: date) -> WeeklySummary | None:
        """The summary of the week that holds `day`; None if the learner is gone."""
        user = await session.get(User, user_id)
        if user is None:
            return None
        # As of `day`, not today: a summary sent late must not count from a plan started since.
        plan_start, ends_on = await self._calendar(session, user, as_of=day)
        return await self._summary(session, user, week_of(day, plan_start, ends_on))

    async def requested_week(
        self, session: AsyncSession, user_id: int, request: WeekRequest
    ) -> WeeklySummary | WeekRefused:
        """The summary `/week` asked for: this week, an earlier one, plan week N, or a date's."""
        user = await session.get(User, user_id)
        assert user is not None, "the handler creates the learner first"
        today = self._today(user)
        plan_start, ends_on = await self._calendar(session, user, as_of=today)
        current = week_of(today, plan_start, ends_on)
        if isinstance(request, CurrentWeek):
            week = current
        elif isinstance(request, WeeksAgo):
            week = week_number(current.number - request.weeks, plan_start, ends_on)
        elif isinstance(request, PlanWeek):
            week = week_number(request.number, plan_start, ends_on)
        else:
            week = week_of(request.day, plan_start, ends_on)
        profile = profile_of(user)
        if week.number < 1:
            first = week_number(1, plan_start, ends_on).first_day
            return WeekRefused(profile, "schedule.week_before_start", {"first": first.isoformat()})
        if week.number > current.number:
            return WeekRefused(
                profile, "schedule.week_future", {"week": week.number, "current": current.number}
            )
        return await self._summary(session, user, week)

    def _today(self, user: User) -> date:
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).date()

    async def _calendar(self, session: AsyncSession, user: User, as_of: date) -> tuple[date, int]:
        """Where week 1 begins, as of the local date `as_of`, and the weekday weeks end on.

        Week 1 is the week holding the start of the learner's plan (`/plan start`, once
        `as_of` has reached it; before that, and by default, their first contact), so
        "Week N 小结" and `/plan`'s week N count from the same day; they match exactly when
        the plan starts the day after the summary's weekday (a Monday, by default).
        """
        ends_on = await ScheduleRepository(session).week_ends_on(user.id)
        plan = await PlanRepository(session).get(user.id)
        plan_start = user.created_at.astimezone(ZoneInfo(user.timezone)).date()
        started = plan.start_date if plan is not None else None
        if started is not None and started <= as_of:
            plan_start = started
        return plan_start, SUNDAY if ends_on is None else ends_on

    async def _summary(self, session: AsyncSession, user: User, week: Week) -> WeeklySummary:
        activity = ActivityRepository(session)
        models = await activity.completed_blocks(user.id, week.first_day, week.last_day)
        blocks = [BlockLine.of(block) for block in models]
        grants = await activity.grants_for_blocks([block.id for block in models])
        notes = await activity.notes(user.id, week.first_day, week.last_day)
        days = tuple(
            DayTotals(
                day,
                sum(1 for block in blocks if block.local_date == day),
                sum(block.minutes for block in blocks if block.local_date == day),
            )
            for day in week.days
        )
        sections = WeeklySections()
        if self.sections is not None:
            sections = await self.sections(session, user, week)
        return WeeklySummary(
            profile=profile_of(user),
            week=week,
            days=days,
            blocks=tuple(blocks),
            notes=tuple(NoteLine.of(note) for note in notes),
            rewards=tuple(grant.title for grant in grants),
            streak=await self._streak(session, user.id, min(week.last_day, self._today(user))),
            sections=sections,
        )

    async def _streak(self, session: AsyncSession, user_id: int, day: date) -> int:
        since = day - STREAK_WINDOW
        active = await ActivityRepository(session).completed_days(user_id, since)
        rest = await PauseRepository(session).days_since(user_id, since)
        return streak_days({d for d in active if d <= day}, day, rest)
