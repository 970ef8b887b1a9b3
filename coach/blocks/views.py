"""Plain results the coach hands back to the Telegram layer (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from coach.blocks.standard import DEFAULT_STANDARD_MINUTES, worked_minutes
from coach.learners.profile import Profile
from db.models import BlockStatus, FocusBlock


@dataclass(frozen=True)
class BlockView:
    """A focus block as the learner sees it."""

    id: int
    topic: str
    planned_minutes: int
    status: BlockStatus
    started_at: datetime
    planned_end_at: datetime
    finished_at: datetime | None
    late: bool

    @classmethod
    def of(cls, block: FocusBlock) -> BlockView:
        """Copy the fields that matter out of a model."""
        return cls(
            id=block.id,
            topic=block.topic,
            planned_minutes=block.planned_minutes,
            status=block.status,
            started_at=block.started_at,
            planned_end_at=block.planned_end_at,
            finished_at=block.finished_at,
            late=block.late,
        )

    @property
    def worked_minutes(self) -> int:
        """Whole minutes between start and finish (the planned length for a natural end)."""
        return worked_minutes(self.started_at, self.finished_at)

    def remaining_minutes(self, now: datetime) -> int:
        """Minutes left, rounded up, never negative."""
        seconds = (self.planned_end_at - now).total_seconds()
        return max(0, -int(-seconds // 60))


@dataclass(frozen=True)
class RewardChoice:
    """One reward menu entry offered as a button."""

    item_id: int
    title: str


@dataclass(frozen=True)
class BlockEnding:
    """A finished block and what to tell its learner: the recap prompt and the reward offer."""

    profile: Profile
    block: BlockView
    earned_reward: bool
    reward_choices: tuple[RewardChoice, ...]
    min_reward_minutes: int


@dataclass(frozen=True)
class StatusReport:
    """What `/status` shows."""

    profile: Profile
    now: datetime
    today: date
    running: BlockView | None
    blocks_today: int
    minutes_today: int
    streak: int
    # The learner's standard, and whether a block of today met it.
    standard_minutes: int = DEFAULT_STANDARD_MINUTES
    met_today: bool = False


@dataclass(frozen=True)
class GrantView:
    """A reward that was taken."""

    title: str
    granted_at: datetime
    block_topic: str


@dataclass(frozen=True)
class RewardsOverview:
    """The reward menu and the latest grants."""

    profile: Profile
    items: tuple[RewardChoice, ...]
    recent: tuple[GrantView, ...] = field(default_factory=tuple)
