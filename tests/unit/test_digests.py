"""The contents of the nudge, the recap and the weekly summary, chart and draft, from a real DB."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.image import imread
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.service import Coach, CoachConfig
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.pictures.weekly import CHART_METADATA_KEY
from coach.plan.planner import default_plan
from coach.plan.weeks import Week
from coach.schedule import render as schedule_render
from coach.schedule.chart import draw_weekly_chart
from coach.schedule.commands import CurrentWeek, PlanWeek, WeeksAgo
from coach.schedule.digests import (
    DemoRecord,
    Digests,
    PlanProgress,
    QuizAccuracy,
    WeeklySections,
    WeeklySummary,
    WeekRefused,
)
from coach.schedule.weekly_draft import weekly_draft
from db.database import Database
from db.models import BlockStatus, DailyNote, FocusBlock, RewardGrant, StudyPlanRecord, User
from tests.support.clock import ManualClock

LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")
# Lin first wrote on Monday 2026-03-02, 08:00 in Shanghai (week 1 is March 2-8).
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


async def _block(
    session: AsyncSession,
    day: int,
    hour: int,
    minutes: int,
    topic: str,
    recap: str | None = None,
    status: BlockStatus = BlockStatus.COMPLETED,
) -> FocusBlock:
    started = datetime(2026, 3, day, hour, tzinfo=UTC)
    block = FocusBlock(
        user_id=LIN.user_id,
        topic=topic,
        planned_minutes=minutes,
        status=status,
        started_at=started,
        planned_end_at=started + timedelta(minutes=minutes),
        finished_at=started + timedelta(minutes=minutes),
        local_date=date(2026, 3, day),
        recap=recap,
        late=False,
    )
    session.add(block)
    await session.flush()
    return block


async def _seed_week(database: Database, coach: Coach) -> None:
    async with database.session() as session:
        await coach.learners.profile(session, LIN)
        first = await _block(session, 2, 2, 45, "CNN", "卷积 + 池化\n为什么残差能缓解退化？")
        await _block(session, 2, 6, 30, "ResNet")
        await _block(session, 4, 2, 50, "RNN", "隐藏状态沿时间传递\n下周想手写一遍注意力")
        await _block(session, 5, 2, 20, "cancelled", status=BlockStatus.CANCELLED)
        await _block(session, 7, 2, 60, "Transformer", "Q K V 的维度")
        session.add(
            RewardGrant(
                user_id=LIN.user_id,
                block_id=first.id,
                title="一杯奶茶 / 小零食",
                granted_at=first.finished_at,
            )
        )
        session.add(
            DailyNote(
                user_id=LIN.user_id,
                local_date=date(2026, 3, 2),
                text="读了 ResNet 论文的摘要",
                created_at=MONDAY_8AM,
            )
        )
        await session.commit()


async def _summary(database: Database, digests: Digests) -> WeeklySummary:
    async with database.session() as session:
        summary = await digests.weekly(session, LIN.user_id, date(2026, 3, 8))
    assert summary is not None
    return summary


async def test_the_evening_recap_lists_the_days_blocks_recaps_notes_rewards_and_streak(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    async with database.session() as session:
        recap = await Digests(clock).recap(session, LIN.user_id, date(2026, 3, 2))
    assert recap is not None
    assert [(b.topic, b.minutes) for b in recap.blocks] == [("CNN", 45), ("ResNet", 30)]
    assert recap.minutes == 75 and recap.rewards == ("一杯奶茶 / 小零食",)
    assert recap.streak == 1
    text = schedule_render.recap(recap)
    assert "完成 2 个专注块，共 75 分钟" in text
    assert "10:00 CNN（45 分钟）" in text
    assert "小结：卷积 + 池化 / 为什么残差能缓解退化？" in text
    assert "读了 ResNet 论文的摘要" in text
    assert "奖励：一杯奶茶 / 小零食" in text
    assert "连续达标：1 天" in text


async def test_an_empty_day_recap_never_scolds_and_offers_the_smallest_step(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    async with database.session() as session:
        recap = await Digests(clock).recap(session, LIN.user_id, date(2026, 3, 3))
    assert recap is not None and not recap.blocks
    text = schedule_render.recap(recap)
    assert "没关系" in text and "/note" in text and "三句话" in text
    assert "连续达标 1 天，今天做一个块就能接上" in text


async def test_the_weekly_summary_matches_the_database(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    summary = await _summary(database, Digests(clock))
    assert summary.week == Week(1, date(2026, 3, 2), date(2026, 3, 8))
    assert [(d.day.day, d.blocks, d.minutes) for d in summary.days] == [
        (2, 2, 75),
        (3, 0, 0),
        (4, 1, 50),
        (5, 0, 0),
        (6, 0, 0),
        (7, 1, 60),
        (8, 0, 0),
    ]
    assert (summary.total_blocks, summary.total_minutes, summary.active_days) == (4, 185, 3)
    assert summary.longest is not None and summary.longest.topic == "Transformer"
    caption = schedule_render.weekly_caption(summary)
    assert "Week 1 小结（2026-03-02 – 2026-03-08）" in caption
    assert "专注 4 个块，共 185 分钟；活跃 3/7 天" in caption
    assert "最长的一块：Transformer（60 分钟，2026-03-07）" in caption
    assert "奖励 1 次：一杯奶茶 / 小零食×1" in caption
    for absent in ("计划清单", "小测验", "Demo"):
        assert absent not in caption, "sections of features not wired in are left out"


async def test_the_chart_is_a_png_whose_bars_are_the_daily_minutes(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    summary = await _summary(database, Digests(clock))
    chart = draw_weekly_chart(summary)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(chart.png), format="png")
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400
    stored = json.loads(Image.open(io.BytesIO(chart.png)).text[CHART_METADATA_KEY])
    assert stored["minutes"] == [75, 0, 50, 0, 0, 60, 0] == list(chart.minutes)
    assert stored["blocks"] == [2, 0, 1, 0, 0, 1, 0]
    assert stored["days"][0] == "2026-03-02"


async def test_the_markdown_draft_is_in_the_plans_format_and_holds_the_recaps(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    draft = weekly_draft(await _summary(database, Digests(clock)))
    lines = draft.splitlines()
    assert lines[0] == "## Week 1 小结"
    assert lines[1] == "- 完成了：4 个专注块，共 185 分钟（CNN、ResNet、RNN、Transformer）。"
    assert "  - 03-02 CNN：卷积 + 池化" in lines
    assert "  - 03-04 RNN：隐藏状态沿时间传递" in lines
    assert "  - 03-07 Transformer：Q K V 的维度" in lines
    assert "  - 03-02 今日记录：读了 ResNet 论文的摘要" in lines
    assert "- 仍然困惑：为什么残差能缓解退化？" in lines
    assert "- 下周想补充：下周想手写一遍注意力" in lines


async def test_sections_of_other_features_appear_when_provided(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)

    async def sections(session: AsyncSession, user: User, week: Week) -> WeeklySections:
        return WeeklySections(
            plan_progress=PlanProgress(done=5, total=8),
            quiz_accuracy=QuizAccuracy(correct=4, answered=5),
            demo_record=DemoRecord(entries=("CLIP zero-shot on 10 photos",)),
        )

    summary = await _summary(database, Digests(clock, sections))
    caption = schedule_render.weekly_caption(summary)
    assert "计划清单：5/8 项" in caption
    assert "小测验正确率：80%（4/5）" in caption
    assert "Demo 记录：CLIP zero-shot on 10 photos" in caption
    draft = weekly_draft(summary)
    assert "  - 计划清单完成 5/8 项" in draft and "  - Demo：CLIP zero-shot on 10 photos" in draft


async def test_the_nudge_suggests_todays_item_of_the_learners_plan(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    digests = Digests(clock)
    async with database.session() as session:
        tuesday = await digests.nudge(session, LIN.user_id, date(2026, 3, 3))
        week_two = await digests.nudge(session, LIN.user_id, date(2026, 3, 10))
        after_plan = await digests.nudge(session, LIN.user_id, date(2026, 5, 1))
        monday = await digests.nudge(session, LIN.user_id, date(2026, 3, 2))
    assert tuesday is not None and week_two is not None and after_plan is not None
    # The default plan starts on the day of first contact (Monday 2026-03-02).
    assert tuesday.suggestion == (
        "第 1 周「常见深度网络结构」· 第 1 项：Day 1–2：CNN 与 ResNet（完成后 /check 1）"
    )
    assert week_two.suggestion is not None
    assert (
        week_two.suggestion.startswith("第 2 周「")
        and "读 ViT 论文的模型结构图" in week_two.suggestion
    )
    assert after_plan.suggestion is None
    assert tuesday.due_reviews == 0
    text = schedule_render.nudge(tuesday)
    assert "最低标准" in text and "先撑过一个块" in text and "今天的建议：第 1 周" in text
    assert monday is not None and monday.blocks_today == 2
    assert "今天已经完成 2 个专注块（75 分钟）" in schedule_render.nudge(monday)


async def test_english_learners_get_english_digests(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    async with database.session() as session:
        await coach.learners.set_language(session, LIN, "en")
        await session.commit()
    summary = await _summary(database, Digests(clock))
    assert "Week 1 summary (2026-03-02 – 2026-03-08)" in schedule_render.weekly_caption(summary)
    # Their plan is the English default plan: the draft follows the plan's language.
    draft = weekly_draft(summary)
    assert draft.startswith("## Week 1 Summary\n- Done: 4 focus blocks, 185 minutes")
    assert "- Still confused: 为什么残差能缓解退化？" in draft


async def test_the_draft_follows_the_plans_language_not_the_interfaces(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)
    async with database.session() as session:
        await coach.learners.set_language(session, LIN, "en")
        # The learner's own plan, in Chinese, with the seed's "Week 1 小结" example.
        document = default_plan("zh").document + (
            "\n```markdown\n## Week 1 小结\n- 完成了：…\n- 仍然困惑：…\n- 下周想补充：…\n```\n"
        )
        session.add(
            StudyPlanRecord(
                user_id=LIN.user_id,
                document=document,
                revision=1,
                start_date=date(2026, 3, 2),
                updated_at=MONDAY_8AM,
            )
        )
        await _block(session, 6, 3, 40, "Transformer", "学了 mask；mask 那里还有点晕")
        await _block(session, 6, 5, 40, "ViT", "patch embedding 不太懂\nposition embedding")
        await session.commit()
    summary = await _summary(database, Digests(clock))
    draft = weekly_draft(summary).splitlines()
    assert draft[0] == "## Week 1 小结"
    assert draft[1].startswith("- 完成了：6 个专注块")
    assert "  - 03-06 Transformer：学了 mask" in draft
    assert "  - 03-06 ViT：position embedding" in draft
    confused = next(line for line in draft if line.startswith("- 仍然困惑："))
    assert "mask 那里还有点晕" in confused and "patch embedding 不太懂" in confused
    assert "为什么残差能缓解退化？" in confused
    assert not any("还有点晕" in line for line in draft if line.startswith("  - "))
    assert draft[-1] == "- 下周想补充：下周想手写一遍注意力"


async def test_weeks_are_the_plans_weeks_counted_from_its_start_day(
    database: Database, coach: Coach, clock: ManualClock
) -> None:
    await _seed_week(database, coach)  # first contact: Monday 2026-03-02
    digests = Digests(clock)
    async with database.session() as session:
        by_first_contact = await digests.weekly(session, LIN.user_id, date(2026, 3, 15))
        # `/plan start 2026-03-09`: the plan's week 1 is 9–15 March, as `/plan` shows it.
        session.add(
            StudyPlanRecord(user_id=LIN.user_id, start_date=date(2026, 3, 9), updated_at=MONDAY_8AM)
        )
        await session.flush()
        # Still Monday 2 March: before the start there is no plan week to sum up.
        not_yet = await digests.requested_week(session, LIN.user_id, CurrentWeek())
        clock.advance(days=14, hours=9)  # Monday 16 March: week 2 of the plan
        by_plan = await digests.weekly(session, LIN.user_id, date(2026, 3, 15))
        # The summary of Sunday 8 March, sent late: the day before the start, week 0.
        late = await digests.weekly(session, LIN.user_id, date(2026, 3, 8))
        first_week = await digests.requested_week(session, LIN.user_id, PlanWeek(1))
        before_start = await digests.requested_week(session, LIN.user_id, WeeksAgo(3))
    assert by_first_contact is not None
    assert (by_first_contact.week.number, by_first_contact.week.first_day) == (
        2,
        date(2026, 3, 9),
    )
    assert isinstance(not_yet, WeekRefused)
    assert not_yet.values == {"first": "2026-03-09"}
    assert by_plan is not None and by_plan.week.number == 1
    assert late is not None and late.week.number == 0
    assert late.week.first_day == date(2026, 3, 2)
    assert by_plan.week.first_day == date(2026, 3, 9)
    assert "Week 1 小结（2026-03-09 – 2026-03-15）" in schedule_render.weekly_caption(by_plan)
    assert isinstance(first_week, WeeklySummary)
    assert first_week.week.first_day == date(2026, 3, 9)
    assert isinstance(before_start, WeekRefused)
    assert before_start.values == {"first": "2026-03-09"}
