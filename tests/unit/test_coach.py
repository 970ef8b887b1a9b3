"""The coach's use cases against a real, migrated database, with no Telegram at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from coach.blocks.service import (
    BlockAlreadyRunning,
    BlockCancelled,
    BlockStarted,
    Coach,
    CoachConfig,
    NoRunningBlock,
    RecapSaved,
    RecapShown,
    RewardGranted,
    RewardRefused,
)
from coach.blocks.standard import set_standard
from coach.blocks.views import BlockEnding
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.privacy.export import export_document
from coach.updates import HandledUpdates
from db.database import Database
from db.models import BlockStatus, FocusBlock, RewardGrant
from tests.support.clock import ManualClock

LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")
MALLORY = Identity(user_id=666, chat_id=666, first_name="Mallory")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def coach(clock: ManualClock) -> Coach:
    return Coach(
        CoachConfig(reward_min_minutes=35),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )


async def _start(database: Database, coach: Coach, minutes: int, who: Identity = LIN) -> int:
    async with database.session() as session:
        started = await coach.start_block(session, who, minutes, "attention")
        await session.commit()
    assert isinstance(started, BlockStarted)
    return started.block.id


async def _complete_due(database: Database, coach: Coach) -> list[BlockEnding]:
    async with database.session() as session:
        await coach.complete_due_blocks(session)
        await session.commit()
        return await coach.owed_endings(session)


async def test_first_contact_creates_the_learner_with_the_plans_reward_menu(
    database: Database, coach: Coach
) -> None:
    async with database.session() as session:
        overview = await coach.onboard(session, LIN)
        await session.commit()
    assert overview.profile.language == "zh"
    assert overview.profile.timezone == "Asia/Shanghai"
    assert [item.title for item in overview.items] == [
        "一杯奶茶 / 小零食",
        "楼下走 10 分钟",
        "刷 15 分钟短视频（定好闹钟）",
    ]


async def test_one_running_block_at_a_time(database: Database, coach: Coach) -> None:
    await _start(database, coach, 45)
    async with database.session() as session:
        second = await coach.start_block(session, LIN, 30, "again")
        await session.commit()
        count = await session.scalar(select(func.count()).select_from(FocusBlock))
    assert isinstance(second, BlockAlreadyRunning)
    assert second.block.topic == "attention"
    assert count == 1


async def test_block_ends_at_its_planned_end_and_earns_a_reward(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=44, seconds=59)
    assert await _complete_due(database, coach) == []
    clock.advance(seconds=2)
    [ending] = await _complete_due(database, coach)
    assert ending.block.id == block_id
    assert ending.block.status is BlockStatus.COMPLETED
    assert ending.block.worked_minutes == 45
    assert not ending.block.late
    assert ending.earned_reward and len(ending.reward_choices) == 3
    async with database.session() as session:
        await coach.mark_notified(session, block_id)
        await session.commit()
    assert await _complete_due(database, coach) == []


async def test_a_block_found_long_after_its_end_is_completed_as_of_that_end_and_late(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _start(database, coach, 45)
    planned_end = clock.now() + timedelta(minutes=45)
    clock.advance(hours=3)
    [ending] = await _complete_due(database, coach)
    assert ending.block.late
    assert ending.block.finished_at == planned_end


async def test_short_block_and_early_finish_earn_no_reward(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _start(database, coach, 20)
    clock.advance(minutes=21)
    [ending] = await _complete_due(database, coach)
    assert not ending.earned_reward and ending.reward_choices == ()
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=10)
    async with database.session() as session:
        early = await coach.finish_early(session, LIN, block_id)
        await session.commit()
        refused = await coach.grant_reward(session, LIN, block_id, 1)
    assert isinstance(early, BlockEnding) and early.block.worked_minutes == 10
    assert not early.earned_reward
    assert isinstance(refused, RewardRefused) and refused.key == "reward.not_earned"


async def test_early_finish_after_enough_minutes_earns_a_reward(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 50)
    clock.advance(minutes=40)
    async with database.session() as session:
        early = await coach.finish_early(session, LIN, block_id)
        await session.commit()
    assert isinstance(early, BlockEnding) and early.earned_reward


async def test_cancelled_block_earns_nothing(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=44)
    async with database.session() as session:
        cancelled = await coach.cancel_block(session, LIN)
        await session.commit()
        again = await coach.cancel_block(session, LIN)
        refused = await coach.grant_reward(session, LIN, block_id, 1)
    assert isinstance(cancelled, BlockCancelled)
    assert isinstance(again, NoRunningBlock)
    assert isinstance(refused, RewardRefused) and refused.key == "reward.not_earned"
    clock.advance(minutes=5)
    assert await _complete_due(database, coach) == []


async def test_a_reward_is_granted_once_and_only_to_the_blocks_owner(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=46)
    [ending] = await _complete_due(database, coach)
    choice = ending.reward_choices[1]
    async with database.session() as session:
        await coach.learners.profile(session, MALLORY)
        forged = await coach.grant_reward(session, MALLORY, block_id, choice.item_id)
        granted = await coach.grant_reward(session, LIN, block_id, choice.item_id)
        await session.commit()
        twice = await coach.grant_reward(session, LIN, block_id, ending.reward_choices[0].item_id)
        grants = (await session.scalars(select(RewardGrant))).all()
    assert isinstance(forged, RewardRefused)
    assert isinstance(granted, RewardGranted) and granted.title == "楼下走 10 分钟"
    assert isinstance(twice, RewardRefused) and twice.key == "reward.already"
    assert [(grant.block_id, grant.title) for grant in grants] == [(block_id, "楼下走 10 分钟")]


async def test_recap_goes_to_the_block_that_asked_for_it(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    async with database.session() as session:
        assert isinstance(await coach.save_recap(session, LIN, "too early"), NoRunningBlock)
        await session.commit()
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=46)
    await _complete_due(database, coach)
    async with database.session() as session:
        assert (await coach.recap_wait(session, LIN)).awaiting
        saved = await coach.save_recap(session, LIN, "Q·Kᵀ/√d_k\nsoftmax over keys\nV weighted sum")
        await session.commit()
        assert not (await coach.recap_wait(session, LIN)).awaiting
        block = await session.get(FocusBlock, block_id)
    assert isinstance(saved, RecapSaved) and saved.block.id == block_id
    assert block is not None and block.recap is not None and block.recap.startswith("Q·Kᵀ")


async def test_status_counts_todays_minutes_and_the_streak_in_local_time(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    # 2026-03-01 23:00 in Shanghai is 15:00 UTC; blocks on three local days in a row.
    clock.current = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    for _ in range(3):
        await _start(database, coach, 40)
        clock.advance(minutes=41)
        await _complete_due(database, coach)
        clock.advance(hours=23, minutes=19)
    await _start(database, coach, 45)
    clock.advance(minutes=15)
    async with database.session() as session:
        report = await coach.status(session, LIN)
    assert report.today.isoformat() == "2026-03-04"
    assert report.blocks_today == 0 and report.minutes_today == 0
    assert report.streak == 3
    assert report.running is not None and report.running.remaining_minutes(report.now) == 30


async def test_a_short_block_counts_minutes_but_neither_a_reward_nor_the_streak(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _start(database, coach, 1)
    clock.advance(minutes=2)
    [ending] = await _complete_due(database, coach)
    async with database.session() as session:
        short = await coach.status(session, LIN)
    assert not ending.earned_reward and ending.min_reward_minutes == 35
    assert short.blocks_today == 1 and short.minutes_today == 1
    assert short.streak == 0 and not short.met_today
    await _start(database, coach, 35)
    clock.advance(minutes=36)
    ending = (await _complete_due(database, coach))[-1]
    async with database.session() as session:
        met = await coach.status(session, LIN)
    assert ending.earned_reward
    assert met.streak == 1 and met.met_today and met.minutes_today == 36


async def test_the_learners_own_standard_decides_the_reward_and_the_streak(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    async with database.session() as session:
        user = await coach.learners.user(session, LIN)
        set_standard(user, 50)
        await session.commit()
    await _start(database, coach, 45)
    clock.advance(minutes=46)
    [ending] = await _complete_due(database, coach)
    async with database.session() as session:
        report = await coach.status(session, LIN)
    assert not ending.earned_reward and ending.min_reward_minutes == 50
    assert report.standard_minutes == 50 and report.streak == 0


async def test_a_recap_is_awaited_for_two_hours_and_recap_replaces_the_latest(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=46)
    await _complete_due(database, coach)
    async with database.session() as session:
        await coach.mark_notified(session, block_id)
        first = await coach.save_recap(session, LIN, "mask")
        await session.commit()
        replaced = await coach.save_recap(session, LIN, "causal mask")
        shown = await coach.latest_recap(session, LIN)
        await session.commit()
    assert isinstance(first, RecapSaved) and first.previous is None
    assert isinstance(replaced, RecapSaved) and replaced.previous == "mask"
    assert isinstance(shown, RecapShown) and shown.recap == "causal mask"
    second = await _start(database, coach, 45)
    clock.advance(minutes=46)
    await _complete_due(database, coach)
    clock.advance(hours=2, minutes=1)
    async with database.session() as session:
        late = await coach.recap_wait(session, LIN)
        await session.commit()
        again = await coach.recap_wait(session, LIN)
    assert late.expired and not late.awaiting and late.block is not None
    assert late.block.id == second
    assert again.block is None, "the coach says it is too late only once"


async def test_timezone_must_be_an_iana_name(database: Database, coach: Coach) -> None:
    async with database.session() as session:
        assert await coach.learners.set_timezone(session, LIN, "Mars/Olympus") is None
        assert await coach.learners.set_timezone(session, LIN, "../../etc/passwd") is None
        profile = await coach.learners.set_timezone(session, LIN, "America/New_York")
        await session.commit()
    assert profile is not None and profile.timezone == "America/New_York"


async def test_export_holds_blocks_recaps_grants_and_notes(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    block_id = await _start(database, coach, 45)
    clock.advance(minutes=45)
    [ending] = await _complete_due(database, coach)
    async with database.session() as session:
        await coach.save_recap(session, LIN, "ViT: 196 patches")
        await coach.grant_reward(session, LIN, block_id, ending.reward_choices[0].item_id)
        await coach.add_note(session, LIN, "今日记录：读了 CLIP 摘要")
        await session.commit()
        _, document = await export_document(session, coach.learners, LIN)
    [block] = document["focus_blocks"]
    assert block["topic"] == "attention" and block["recap"] == "ViT: 196 patches"
    assert block["status"] == "completed"
    assert document["reward_grants"] == [
        {
            "block_id": block_id,
            "title": "一杯奶茶 / 小零食",
            "granted_at": clock.now().isoformat(),
            "granted_at_local": clock.now().astimezone(ZoneInfo("Asia/Shanghai")).isoformat(),
        }
    ]
    assert [note["text"] for note in document["daily_notes"]] == ["今日记录：读了 CLIP 摘要"]


async def test_a_redelivered_update_is_claimed_only_once(database: Database, coach: Coach) -> None:
    async with database.session() as session:
        assert await HandledUpdates(coach.clock).claim(session, 42)
        await session.commit()
    async with database.session() as session:
        assert not await HandledUpdates(coach.clock).claim(session, 42)
    async with database.session() as session:
        assert await HandledUpdates(coach.clock).claim(session, 43)
        await session.rollback()
    async with database.session() as session:
        # A rolled-back claim leaves the update free to be handled on redelivery.
        assert await HandledUpdates(coach.clock).claim(session, 43)


async def test_timestamps_come_back_timezone_aware_in_utc(database: Database, coach: Coach) -> None:
    block_id = await _start(database, coach, 45)
    async with database.session() as session:
        block = await session.get(FocusBlock, block_id)
    assert block is not None
    assert block.started_at.tzinfo is not None and block.started_at.utcoffset() == timedelta(0)
