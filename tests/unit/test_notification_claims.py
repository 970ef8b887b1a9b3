"""Claiming block-end messages in the database: one sender per block across processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from coach.blocks.service import BlockStarted, Coach, CoachConfig
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from db.database import Database
from db.models import FocusBlock
from tests.support.clock import ManualClock

LEASE = timedelta(minutes=2)
REAL_NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def coach(clock: ManualClock) -> Coach:
    return Coach(
        CoachConfig(reward_min_minutes=1),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )


async def _ended_blocks(database: Database, coach: Coach, clock: ManualClock, count: int) -> None:
    for user_id in range(1, count + 1):
        async with database.session() as session:
            started = await coach.start_block(session, Identity(user_id, user_id, "L"), 5, "x")
            await session.commit()
        assert isinstance(started, BlockStarted)
    clock.advance(minutes=6)
    async with database.session() as session:
        assert await coach.complete_due_blocks(session) == count
        await session.commit()


async def _claim(database: Database, coach: Coach, owner: str, real_now: datetime) -> set[int]:
    async with database.session() as session:
        endings = await coach.claim_owed_endings(session, owner, real_now, LEASE)
        await session.commit()
    return {ending.block.id for ending in endings}


async def test_each_owed_message_is_claimed_by_one_process_only(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _ended_blocks(database, coach, clock, 6)
    # Two "processes" claim at the same moment, each in its own transaction.
    first, second = await asyncio.gather(
        _claim(database, coach, "replica-a", REAL_NOW),
        _claim(database, coach, "replica-b", REAL_NOW),
    )
    assert len(first) + len(second) == 6
    assert first.isdisjoint(second)
    assert await _claim(database, coach, "replica-c", REAL_NOW + timedelta(seconds=5)) == set()


async def test_a_dead_claimers_messages_are_taken_over_after_the_lease(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _ended_blocks(database, coach, clock, 2)
    claimed = await _claim(database, coach, "crashed", REAL_NOW)
    assert len(claimed) == 2
    # Within the lease nobody else may send them; after it, another process does.
    assert await _claim(database, coach, "survivor", REAL_NOW + LEASE - timedelta(seconds=1)) == (
        set()
    )
    assert await _claim(database, coach, "survivor", REAL_NOW + LEASE + timedelta(seconds=1)) == (
        claimed
    )
    async with database.session() as session:
        for block_id in claimed:
            await coach.mark_notified(session, block_id)
        await session.commit()
        block = await session.get(FocusBlock, min(claimed))
        assert block is not None and block.notified_at is not None
        assert block.notify_claimed_by is None and block.notify_lease_expires_at is None
    assert await _claim(database, coach, "late", REAL_NOW + LEASE * 10) == set()


async def test_a_released_claim_is_retried_at_once(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _ended_blocks(database, coach, clock, 1)
    [block_id] = await _claim(database, coach, "replica-a", REAL_NOW)
    async with database.session() as session:
        # Only the holder can release its claim.
        await coach.release_ending(session, block_id, "replica-b")
        await session.commit()
    assert await _claim(database, coach, "replica-b", REAL_NOW) == set()
    async with database.session() as session:
        await coach.release_ending(session, block_id, "replica-a")
        await session.commit()
    assert await _claim(database, coach, "replica-b", REAL_NOW) == {block_id}
