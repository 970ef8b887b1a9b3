"""What the scheduled messages say, gathered from the database as plain values.

The morning nudge, the evening recap and the weekly summary each have a digest here; rendering
them into the learner's language is `coach.schedule.render`, drawing the weekly chart
`coach.pictures.weekly`, writing the Markdown draft `coach.schedule.weekly_draft`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.standard import (
    DEFAULT_STANDARD_MINUTES,
    meets_standard,
    streak,
    streaks,
    user_standard,
    worked_minutes,
)
from coach.clock import Clock
from coach.learners.profile import Profile, profile_of
from coach.plan.planner import default_plan, plan_start
from coach.plan.summary_format import SummaryFormat, summary_format
from coach.plan.weeks import Week, plan_week, plan_week_of, summary_week
from coach.schedule.commands import CurrentWeek, PlanWeek, WeekRequest, WeeksAgo
from coach.schedule.suggestions import due_reviews, todays_suggestion
from db.models import DailyNote, FocusBlock, User
from db.repositories import UserRepository
from db.scheduling import ActivityRepository
from db.study_repositories import PlanRepository

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
        return cls(
            local_date=block.local_date,
            topic=block.topic,
            minutes=worked_minutes(block.started_at, block.finished_at or block.planned_end_at),
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
    # The learner's standard, and whether a block of the day met it (the nudge's "已达标").
    standard_minutes: int = DEFAULT_STANDARD_MINUTES
    met_standard: bool = False


@dataclass(frozen=True)
class DayRecap:
    """The evening recap of one local day."""

    profile: Profile
    local_date: date
    blocks: tuple[BlockLine, ...]
    notes: tuple[NoteLine, ...]
    rewards: tuple[str, ...]
    streak: int
    standard_minutes: int = DEFAULT_STANDARD_MINUTES

    @property
    def met_standard(self) -> bool:
        """Whether a block of the day met the learner's standard."""
        return meets_standard((block.minutes for block in self.blocks), self.standard_minutes)

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
    standard_minutes: int = DEFAULT_STANDARD_MINUTES
    # The learner's local date the summary was made on (the weekly day, or today for /week).
    as_of: date | None = None
    # The plan's own weekly-summary format and language, for the 小结 draft.
    plan_format: SummaryFormat | None = None

    @property
    def finished(self) -> bool:
        """Whether the week is over (a summary of a week in progress says "so far")."""
        return self.as_of is None or self.as_of > self.week.last_day

    @property
    def days_to_go(self) -> int:
        """Days of the week after `as_of` (0 once the week is over)."""
        if self.as_of is None or self.finished:
            return 0
        return (self.week.last_day - self.as_of).days

    @property
    def met_days(self) -> int:
        """Days that met the learner's standard."""
        return sum(
            1
            for day in self.week.days
            if meets_standard(
                (block.minutes for block in self.blocks if block.local_date == day),
                self.standard_minutes,
            )
        )

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

    def __init__(
        self,
        clock: Clock,
        sections: SectionSource | None = None,
        *,
        default_standard: int = DEFAULT_STANDARD_MINUTES,
    ) -> None:
        self.clock = clock
        self.sections = sections
        # The standard of a learner who set none (COACH_REWARD_MIN_MINUTES).
        self.default_standard = default_standard

    def standard_of(self, user: User) -> int:
        """The learner's Minimum Viable Day standard (see `coach.blocks.standard`)."""
        return user_standard(user, self.default_standard)

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
            standard = self.standard_of(user)
            digests[key] = NudgeDigest(
                profile=profile_of(user),
                local_date=day,
                blocks_today=len(lines),
                minutes_today=sum(line.minutes for line in lines),
                suggestion=await todays_suggestion(session, user, day),
                due_reviews=await due_reviews(session, user, self.clock.now()),
                standard_minutes=standard,
                met_standard=meets_standard((line.minutes for line in lines), standard),
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
        standards = {user_id: self.standard_of(user) for user_id, user in users.items()}
        streak_of = await streaks(session, standards, [k for k in days if k[0] in users])
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
                streak=streak_of[key],
                standard_minutes=standards[user_id],
            )
        return recaps

    async def weekly(self, session: AsyncSession, user_id: int, day: date) -> WeeklySummary | None:
        """The summary sent on `day`: its plan week so far, or, on the first day of a plan
        week, the week just finished (`coach.plan.weeks.summary_week`); None if the learner
        is gone."""
        user = await session.get(User, user_id)
        if user is None:
            return None
        week = summary_week(day, await self._plan_start(session, user))
        return await self._summary(session, user, week, as_of=day)

    async def requested_week(
        self, session: AsyncSession, user_id: int, request: WeekRequest
    ) -> WeeklySummary | WeekRefused:
        """The summary `/week` asked for: this plan week so far, an earlier one, plan week N,
        or the plan week holding a date."""
        user = await session.get(User, user_id)
        assert user is not None, "the handler creates the learner first"
        today = self._today(user)
        plan_start = await self._plan_start(session, user)
        current = plan_week_of(today, plan_start)
        if isinstance(request, CurrentWeek):
            week = current
        elif isinstance(request, WeeksAgo):
            week = plan_week(current.number - request.weeks, plan_start)
        elif isinstance(request, PlanWeek):
            week = plan_week(request.number, plan_start)
        else:
            week = plan_week_of(request.day, plan_start)
        profile = profile_of(user)
        # Before the plan's start there is no plan week to sum up (as `/plan` says).
        if week.number < 1:
            first = plan_start.isoformat()
            return WeekRefused(profile, "schedule.week_before_start", {"first": first})
        if week.number > current.number:
            return WeekRefused(
                profile, "schedule.week_future", {"week": week.number, "current": current.number}
            )
        return await self._summary(session, user, week, as_of=today)

    def _today(self, user: User) -> date:
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).date()

    async def _plan_start(self, session: AsyncSession, user: User) -> date:
        """The first day of plan week 1, as `/plan` has it: `/plan start`, else first contact."""
        return plan_start(user, await PlanRepository(session).get(user.id))

    async def _plan_format(self, session: AsyncSession, user: User) -> SummaryFormat:
        """How the learner's plan (their own, else the default one) writes a weekly 小结."""
        record = await PlanRepository(session).get(user.id)
        if record is not None and record.document is not None:
            return summary_format(record.document)
        return summary_format(default_plan(user.language).document)

    async def _summary(
        self, session: AsyncSession, user: User, week: Week, *, as_of: date
    ) -> WeeklySummary:
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
        standard = self.standard_of(user)
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
            streak=await streak(session, user.id, standard, min(week.last_day, as_of)),
            sections=sections,
            standard_minutes=standard,
            as_of=as_of,
            plan_format=await self._plan_format(session, user),
        )
