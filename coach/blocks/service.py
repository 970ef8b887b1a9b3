"""The coach: every use case as one method taking a session and plain values.

Methods flush through the repositories and never commit; the caller commits before it replies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.recaps import RECAP_WINDOW
from coach.blocks.standard import block_meets_standard, streak, user_standard
from coach.blocks.views import (
    BlockEnding,
    BlockView,
    GrantView,
    RewardChoice,
    RewardsOverview,
    StatusReport,
)
from coach.clock import Clock
from coach.learners.profile import Identity, Profile, profile_of
from coach.learners.registry import Learners
from db.models import BlockStatus, FocusBlock, RewardGrant, RewardItem, User
from db.repositories import (
    BlockRepository,
    NoteRepository,
    RewardRepository,
    UserRepository,
)

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 4000
MAX_REWARD_TITLE = 100
MAX_REWARD_ITEMS = 20
# A natural completion this long after its planned end is reported as late.
BLOCK_END_LATE_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class CoachConfig:
    """The settings the domain needs."""

    reward_min_minutes: int


@dataclass(frozen=True)
class BlockStarted:
    """A new block is running."""

    profile: Profile
    block: BlockView


@dataclass(frozen=True)
class BlockAlreadyRunning:
    """The learner already has a running block."""

    profile: Profile
    block: BlockView


@dataclass(frozen=True)
class NoRunningBlock:
    """The block asked for is not running (or none is)."""

    profile: Profile


@dataclass(frozen=True)
class BlockCancelled:
    """A running block was cancelled."""

    profile: Profile
    block: BlockView


@dataclass(frozen=True)
class RecapSaved:
    """A recap was stored on a block; `previous` is the recap it replaced, if any."""

    profile: Profile
    block: BlockView
    recap: str
    previous: str | None = None


@dataclass(frozen=True)
class RecapWait:
    """Whether a recap is awaited: `block` is awaiting one, unless `expired` (too late)."""

    profile: Profile
    block: BlockView | None
    expired: bool = False

    @property
    def awaiting(self) -> bool:
        """A plain message now may be this block's recap."""
        return self.block is not None and not self.expired


@dataclass(frozen=True)
class RecapShown:
    """The latest completed block and its recap (None while it has none)."""

    profile: Profile
    block: BlockView
    recap: str | None


@dataclass(frozen=True)
class NoteSaved:
    """A note was added to today's log."""

    profile: Profile
    local_date: date
    count_today: int


@dataclass(frozen=True)
class RewardGranted:
    """A reward was recorded against its block."""

    profile: Profile
    title: str


@dataclass(frozen=True)
class RewardRemoved:
    """A reward menu item was removed."""

    profile: Profile
    title: str


@dataclass(frozen=True)
class RewardRefused:
    """The reward request was refused; `key` names the message, `values` fill it in."""

    profile: Profile
    key: str
    values: Mapping[str, object] = field(default_factory=dict)


class Coach:
    """Focus blocks, rewards, notes, status and export for every learner."""

    def __init__(self, config: CoachConfig, clock: Clock, learners: Learners) -> None:
        self.config = config
        self.clock = clock
        self.learners = learners

    async def onboard(self, session: AsyncSession, who: Identity) -> RewardsOverview:
        """Make sure the learner exists and return their profile and reward menu."""
        user = await self.learners.user(session, who)
        return await self._rewards_overview(session, user, recent=0)

    # -- focus blocks -----------------------------------------------------------------------

    async def start_block(
        self, session: AsyncSession, who: Identity, minutes: int, topic: str
    ) -> BlockStarted | BlockAlreadyRunning:
        """Start a block unless one is already running."""
        user = await self.learners.user(session, who)
        profile = profile_of(user)
        blocks = BlockRepository(session)
        running = await blocks.running_for(user.id)
        if running is not None:
            return BlockAlreadyRunning(profile, BlockView.of(running))
        now = self.clock.now()
        block = FocusBlock(
            user_id=user.id,
            topic=topic,
            planned_minutes=minutes,
            status=BlockStatus.RUNNING,
            started_at=now,
            planned_end_at=now + timedelta(minutes=minutes),
            local_date=now.astimezone(ZoneInfo(user.timezone)).date(),
        )
        try:
            async with session.begin_nested():
                await blocks.add(block)
        except IntegrityError:
            # Another process started one between our check and insert.
            running = await blocks.running_for(user.id)
            if running is None:
                raise
            return BlockAlreadyRunning(profile, BlockView.of(running))
        return BlockStarted(profile, BlockView.of(block))

    async def running_blocks(self, session: AsyncSession) -> list[BlockView]:
        """Every running block, to schedule their ends."""
        return [BlockView.of(block) for block in await BlockRepository(session).running()]

    async def finish_early(
        self, session: AsyncSession, who: Identity, block_id: int | None = None
    ) -> BlockEnding | NoRunningBlock:
        """End the running block now, as completed; the learner is told by the caller."""
        user = await self.learners.user(session, who)
        block = await self._running_block(session, user, block_id)
        now = self.clock.now()
        if block is None or not await BlockRepository(session).finish(
            block, BlockStatus.COMPLETED, min(now, block.planned_end_at)
        ):
            return NoRunningBlock(profile_of(user))
        block.notified_at = now
        user.awaiting_recap_block_id = block.id
        return await self._ending(session, user, block)

    async def cancel_block(
        self, session: AsyncSession, who: Identity, block_id: int | None = None
    ) -> BlockCancelled | NoRunningBlock:
        """Cancel the running block; it earns no reward."""
        user = await self.learners.user(session, who)
        block = await self._running_block(session, user, block_id)
        now = self.clock.now()
        if block is None or not await BlockRepository(session).finish(
            block, BlockStatus.CANCELLED, now
        ):
            return NoRunningBlock(profile_of(user))
        block.notified_at = now
        return BlockCancelled(profile_of(user), BlockView.of(block))

    async def _running_block(
        self, session: AsyncSession, user: User, block_id: int | None
    ) -> FocusBlock | None:
        blocks = BlockRepository(session)
        if block_id is None:
            return await blocks.running_for(user.id)
        block = await blocks.get_for_user(block_id, user.id)
        return block if block is not None and block.status == BlockStatus.RUNNING else None

    async def complete_due_blocks(self, session: AsyncSession) -> int:
        """Complete every running block whose planned end has passed; returns how many."""
        now = self.clock.now()
        blocks = BlockRepository(session)
        due = await blocks.due(now)
        users = await UserRepository(session).get_many(sorted({block.user_id for block in due}))
        completed = 0
        for block in due:
            late = now - block.planned_end_at > BLOCK_END_LATE_AFTER
            if await blocks.finish(block, BlockStatus.COMPLETED, block.planned_end_at, late=late):
                completed += 1
                users[block.user_id].awaiting_recap_block_id = block.id
        return completed

    async def owed_endings(self, session: AsyncSession) -> list[BlockEnding]:
        """Completed blocks whose learner has not been told yet, with their reward offers."""
        owed = await BlockRepository(session).owed_notifications()
        return await self._endings(session, owed)

    async def claim_owed_endings(
        self, session: AsyncSession, owner: str, real_now: datetime, lease: timedelta
    ) -> list[BlockEnding]:
        """Claim the owed block-end messages no other process is sending; commit, then send."""
        claimed = await BlockRepository(session).claim_owed_notifications(owner, real_now, lease)
        return await self._endings(session, claimed)

    async def release_ending(self, session: AsyncSession, block_id: int, owner: str) -> None:
        """Hand back a claimed block-end message that could not be sent."""
        await BlockRepository(session).release_notification_claim(block_id, owner)

    async def _endings(
        self, session: AsyncSession, owed: Sequence[FocusBlock]
    ) -> list[BlockEnding]:
        users = await UserRepository(session).get_many(sorted({block.user_id for block in owed}))
        return [await self._ending(session, users[block.user_id], block) for block in owed]

    async def mark_notified(self, session: AsyncSession, block_id: int) -> None:
        """Record that the learner was told their block ended (and drop the claim)."""
        block = await session.get(FocusBlock, block_id)
        if block is not None and block.notified_at is None:
            block.notified_at = self.clock.now()
            block.notify_claimed_by = None
            block.notify_lease_expires_at = None

    async def _ending(self, session: AsyncSession, user: User, block: FocusBlock) -> BlockEnding:
        view = BlockView.of(block)
        standard = self.standard_of(user)
        earned = self.earns_reward(view, standard)
        choices: tuple[RewardChoice, ...] = ()
        if earned:
            menu = await RewardRepository(session).menu(user.id)
            choices = tuple(RewardChoice(item.id, item.title) for item in menu)
        return BlockEnding(
            profile=profile_of(user),
            block=view,
            earned_reward=earned,
            reward_choices=choices,
            min_reward_minutes=standard,
        )

    def standard_of(self, user: User) -> int:
        """The learner's Minimum Viable Day standard, in worked minutes of one block."""
        return user_standard(user, self.config.reward_min_minutes)

    @staticmethod
    def earns_reward(block: BlockView, standard: int) -> bool:
        """Only a completed block that meets the learner's standard earns a reward."""
        completed = block.status == BlockStatus.COMPLETED
        return completed and block_meets_standard(block.worked_minutes, standard)

    # -- recaps and notes -------------------------------------------------------------------

    async def recap_wait(self, session: AsyncSession, who: Identity) -> RecapWait:
        """The block whose recap the learner's next plain message may be, if any.

        Only within `RECAP_WINDOW` of the block's end: past it the wait is dropped (and
        `expired` says so, once), and `/recap text` still sets the recap.
        """
        user = await self.learners.user(session, who)
        if user.awaiting_recap_block_id is None:
            return RecapWait(profile_of(user), None)
        block = await BlockRepository(session).get_for_user(user.awaiting_recap_block_id, user.id)
        ended = block.finished_at if block is not None else None
        if block is None or ended is None:
            user.awaiting_recap_block_id = None
            return RecapWait(profile_of(user), None)
        # From when the learner was asked: an ending told late gives the full window.
        asked = max(ended, block.notified_at or ended)
        if self.clock.now() - asked > RECAP_WINDOW:
            user.awaiting_recap_block_id = None
            return RecapWait(profile_of(user), BlockView.of(block), expired=True)
        return RecapWait(profile_of(user), BlockView.of(block))

    async def drop_recap_wait(self, session: AsyncSession, who: Identity, block_id: int) -> None:
        """Stop waiting for the block's recap (if the learner still waits on that block)."""
        user = await self.learners.user(session, who)
        if user.awaiting_recap_block_id == block_id:
            user.awaiting_recap_block_id = None

    async def save_recap(
        self, session: AsyncSession, who: Identity, text: str
    ) -> RecapSaved | NoRunningBlock:
        """Set (or replace) the recap of the block that asked for one, else of the latest
        completed block."""
        user = await self.learners.user(session, who)
        blocks = BlockRepository(session)
        block = None
        if user.awaiting_recap_block_id is not None:
            block = await blocks.get_for_user(user.awaiting_recap_block_id, user.id)
        if block is None:
            block = await blocks.latest_completed(user.id)
        if block is None:
            return NoRunningBlock(profile_of(user))
        previous = block.recap
        block.recap = text[:MAX_NOTE_LENGTH]
        block.recap_at = self.clock.now()
        user.awaiting_recap_block_id = None
        return RecapSaved(profile_of(user), BlockView.of(block), block.recap, previous)

    async def latest_recap(
        self, session: AsyncSession, who: Identity
    ) -> RecapShown | NoRunningBlock:
        """The latest completed block and its recap, for `/recap` without text."""
        user = await self.learners.user(session, who)
        block = await BlockRepository(session).latest_completed(user.id)
        if block is None:
            return NoRunningBlock(profile_of(user))
        return RecapShown(profile_of(user), BlockView.of(block), block.recap)

    async def add_note(self, session: AsyncSession, who: Identity, text: str) -> NoteSaved:
        """Append a note to the learner's log of today."""
        user = await self.learners.user(session, who)
        profile = profile_of(user)
        now = self.clock.now()
        today = now.astimezone(profile.zone).date()
        count = await NoteRepository(session).write(user.id, today, text, now)
        return NoteSaved(profile, today, count)

    # -- status -----------------------------------------------------------------------------

    async def status(self, session: AsyncSession, who: Identity) -> StatusReport:
        """The running block, today's totals and the streak."""
        user = await self.learners.user(session, who)
        profile = profile_of(user)
        now = self.clock.now()
        today = now.astimezone(profile.zone).date()
        blocks = BlockRepository(session)
        running, completed = await blocks.running_and_completed_on(user.id, today)
        done_today = [BlockView.of(block) for block in completed]
        standard = self.standard_of(user)
        return StatusReport(
            profile=profile,
            now=now,
            today=today,
            running=BlockView.of(running) if running else None,
            blocks_today=len(done_today),
            minutes_today=sum(block.worked_minutes for block in done_today),
            streak=await streak(session, user.id, standard, today),
            standard_minutes=standard,
            met_today=any(self.earns_reward(block, standard) for block in done_today),
        )

    # -- rewards ----------------------------------------------------------------------------

    async def rewards(self, session: AsyncSession, who: Identity) -> RewardsOverview:
        """The reward menu and the five latest grants."""
        return await self._rewards_overview(
            session, await self.learners.user(session, who), recent=5
        )

    async def _rewards_overview(
        self, session: AsyncSession, user: User, recent: int
    ) -> RewardsOverview:
        rewards = RewardRepository(session)
        items = tuple(RewardChoice(item.id, item.title) for item in await rewards.menu(user.id))
        grants: tuple[GrantView, ...] = ()
        if recent:
            blocks = {
                block.id: block for block in await BlockRepository(session).all_for_user(user.id)
            }
            grants = tuple(
                GrantView(grant.title, grant.granted_at, blocks[grant.block_id].topic)
                for grant in await rewards.grants(user.id, limit=recent)
            )
        return RewardsOverview(profile_of(user), items, grants)

    async def add_reward(
        self, session: AsyncSession, who: Identity, title: str
    ) -> RewardsOverview | RewardRefused:
        """Add an item to the menu."""
        user = await self.learners.user(session, who)
        title = " ".join(title.split())
        rewards = RewardRepository(session)
        if len(title) > MAX_REWARD_TITLE:
            return RewardRefused(
                profile_of(user), "rewards.title_too_long", {"limit": MAX_REWARD_TITLE}
            )
        if len(await rewards.menu(user.id)) >= MAX_REWARD_ITEMS:
            return RewardRefused(profile_of(user), "rewards.menu_full", {"limit": MAX_REWARD_ITEMS})
        await rewards.add_items(
            [RewardItem(user_id=user.id, title=title, created_at=self.clock.now())]
        )
        return await self._rewards_overview(session, user, recent=0)

    async def remove_reward(
        self, session: AsyncSession, who: Identity, position: str
    ) -> RewardRemoved | RewardRefused:
        """Remove the item at 1-based `position` of the menu."""
        user = await self.learners.user(session, who)
        rewards = RewardRepository(session)
        menu = await rewards.menu(user.id)
        index = int(position) if position.isdecimal() and len(position) < 6 else 0
        if not 1 <= index <= len(menu):
            return RewardRefused(
                profile_of(user),
                "rewards.bad_index",
                {"value": position[:20], "count": len(menu)},
            )
        item = menu[index - 1]
        await rewards.remove_item(item)
        return RewardRemoved(profile_of(user), item.title)

    async def grant_reward(
        self, session: AsyncSession, who: Identity, block_id: int, item_id: int
    ) -> RewardGranted | RewardRefused:
        """Record the learner's pick for a block that earned a reward, once."""
        user = await self.learners.user(session, who)
        profile = profile_of(user)
        rewards = RewardRepository(session)
        block = await BlockRepository(session).get_for_user(block_id, user.id)
        if block is None or not self.earns_reward(BlockView.of(block), self.standard_of(user)):
            return RewardRefused(profile, "reward.not_earned")
        existing = await rewards.grant_for_block(block.id)
        if existing is not None:
            return RewardRefused(profile, "reward.already", {"title": existing.title})
        item = await rewards.item_for_user(item_id, user.id)
        if item is None:
            return RewardRefused(profile, "reward.not_earned")
        grant = RewardGrant(
            user_id=user.id,
            block_id=block.id,
            item_id=item.id,
            title=item.title,
            granted_at=self.clock.now(),
        )
        try:
            async with session.begin_nested():
                await rewards.add_grant(grant)
        except IntegrityError:
            existing = await rewards.grant_for_block(block.id)
            title = existing.title if existing else ""
            return RewardRefused(profile, "reward.already", {"title": title})
        return RewardGranted(profile, item.title)
