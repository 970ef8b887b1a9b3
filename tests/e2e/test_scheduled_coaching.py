"""Scheduled coaching through the real Application, the emulator and a real database.

The coach's clock runs 30 times faster than real time (a minute lasts 2 seconds) and starts
where a test needs it (COACH_CLOCK_START): a minute before a nudge, or on a DST change.
"""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from coach.pictures.weekly import CHART_METADATA_KEY
from db.database import Database
from db.models import (
    BlockStatus,
    DailyNote,
    FocusBlock,
    Schedule,
    ScheduledDelivery,
    SchedulePause,
    StudyPlanRecord,
    User,
)
from db.scheduling import DeliveryStatus
from emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.support.learner_data import learner_row
from tests.support.running_bot import RunningBot, make_settings, start_bot

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST_TICK = {"COACH_SCHEDULE_TICK_SECONDS": 1.0}


def clock_at(iso: str) -> dict[str, Any]:
    """Bot settings whose coach clock starts at `iso` and ticks every real second."""
    return {"COACH_CLOCK_START": iso, **FAST_TICK}


async def _reply(user: EmulatedUser, text: str) -> str:
    user.send_text(text)
    message = await user.next_message()
    return message.text or message.caption or ""


async def _rows(database_url: str, model: Any, *where: Any) -> list[Any]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return list((await session.scalars(select(model).where(*where))).all())
    finally:
        await database.dispose()


async def _deliveries(database_url: str, *where: Any) -> list[ScheduledDelivery]:
    """Deliveries once none is in flight (the bot records the outcome right after sending)."""
    for _ in range(100):
        rows = await _rows(database_url, ScheduledDelivery, *where)
        if all(row.status not in (DeliveryStatus.CLAIMED, DeliveryStatus.SENDING) for row in rows):
            return sorted(rows, key=lambda row: row.id)
        await asyncio.sleep(0.1)
    raise AssertionError(f"deliveries still in flight: {[(r.id, r.status) for r in rows]}")


async def _enrolled(database_url: str, user_id: int) -> None:
    """Wait for the scheduling tick to give a new learner their schedule."""
    for _ in range(100):
        if await _rows(database_url, Schedule, Schedule.user_id == user_id):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"user {user_id} was never enrolled")


def _local(bot: RunningBot, zone: str) -> datetime:
    return bot.services.clock.now().astimezone(ZoneInfo(zone))


@pytest.mark.parametrize("bot_overrides", [clock_at("2026-03-02T08:58:00+08:00")])
async def test_a_nudge_set_to_the_next_minute_arrives_once_at_that_minute(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    await _reply(lin, "/start")
    changed = await _reply(lin, "/settings nudge 08:59")
    assert "每日提醒改到 08:59。下一次：08:59" in changed

    nudge = await lin.next_message(timeout=15)
    arrived = _local(bot, "Asia/Shanghai")
    assert arrived.strftime("%H:%M") == "08:59", f"arrived at {arrived:%H:%M:%S}"
    assert "早上好，Lin" in (nudge.text or "")
    assert "最低标准" in (nudge.text or "") and "先撑过一个块" in (nudge.text or "")
    assert "今天的建议：第 1 周「常见深度网络结构」· 第 1 项：Day 1–2：CNN 与 ResNet" in (
        nudge.text or ""
    )
    assert nudge.buttons == [("▶️ 开始 45 分钟专注块", "sch:block")]
    await lin.no_message(within=2.5)  # past 09:00: the default time was replaced, not added

    lin.press(nudge, "▶️ 开始 45 分钟专注块")
    started = await lin.next_message()
    assert "专注块开始" in (started.text or "") and "45 分钟" in (started.text or "")

    [delivery] = await _deliveries(database_url)
    assert (delivery.kind, delivery.local_date, delivery.status) == (
        "nudge",
        date(2026, 3, 2),
        DeliveryStatus.SENT,
    )
    assert delivery.due_at == datetime(2026, 3, 2, 0, 59, tzinfo=UTC) and not delivery.late


@pytest.mark.parametrize(
    ("bot_overrides", "zone", "expected_due"),
    [
        # The Sunday clocks spring forward: 09:00 is on summer time (UTC-4).
        (
            clock_at("2026-03-08T08:58:45-04:00"),
            "America/New_York",
            datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        ),
        # The Sunday clocks fall back: 09:00 is on standard time again (UTC-5).
        (
            clock_at("2026-11-01T08:58:45-05:00"),
            "America/New_York",
            datetime(2026, 11, 1, 14, 0, tzinfo=UTC),
        ),
        (
            clock_at("2026-03-08T08:58:45+08:00"),
            "Asia/Shanghai",
            datetime(2026, 3, 8, 1, 0, tzinfo=UTC),
        ),
    ],
    ids=["new-york-spring-forward", "new-york-fall-back", "shanghai"],
)
async def test_the_nudge_comes_at_nine_local_time_on_dst_transition_days(
    bot: RunningBot,
    emulator: BotApiEmulator,
    database_url: str,
    zone: str,
    expected_due: datetime,
) -> None:
    ana = emulator.user(2002, first_name="Ana")
    await _reply(ana, "/start")
    assert f"时区改为 {zone}" in await _reply(ana, f"/settings tz {zone}")
    nudge = await ana.next_message(timeout=15)
    assert "早上好，Ana" in (nudge.text or "")
    assert _local(bot, zone).strftime("%H:%M") == "09:00"
    [delivery] = await _deliveries(database_url)
    assert delivery.due_at == expected_due
    assert delivery.sent_at is not None
    assert timedelta(0) <= delivery.sent_at - expected_due < timedelta(minutes=1)
    [schedule] = await _rows(database_url, Schedule, Schedule.kind == "nudge")
    assert schedule.next_due_at == expected_due + timedelta(days=1), "no DST that night"


@pytest.mark.parametrize(
    "bot_overrides",
    # A minute lasts one real second here: a 1-minute block, then the recap at 21:30.
    [{**clock_at("2026-03-02T21:27:30+08:00"), "COACH_CLOCK_SPEED": 60}],
)
async def test_the_evening_recap_reports_the_day_as_stored_and_never_scolds(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    mei = emulator.user(1003, first_name="Mei")
    await _reply(mei, "/start")
    assert "专注块开始：CNN" in await _reply(lin, "/block 1 CNN")
    done = await lin.next_message(timeout=15)
    assert "专注块完成：CNN" in (done.text or "")
    assert "小结已保存" in await _reply(lin, "卷积 + 池化\n残差：x + F(x)")
    lin.press(done, "楼下走 10 分钟")
    await lin.next_message()
    assert "今日记录" in await _reply(lin, "/note 读了 ResNet 论文的摘要")

    recap = await lin.next_message(timeout=20)
    text = recap.text or ""
    assert _local(bot, "Asia/Shanghai").strftime("%H:%M") == "21:30"
    [block] = await _rows(database_url, FocusBlock)
    [note] = await _rows(database_url, DailyNote)
    assert block.status is BlockStatus.COMPLETED and block.finished_at is not None
    minutes = int((block.finished_at - block.started_at).total_seconds() // 60)
    started = block.started_at.astimezone(SHANGHAI).strftime("%H:%M")
    assert "今天的回顾（2026-03-02）" in text
    assert f"完成 1 个专注块，共 {minutes} 分钟" in text
    assert f"{started} CNN（{minutes} 分钟）" in text
    assert "小结：卷积 + 池化 / 残差：x + F(x)" in text
    assert note.text in text
    assert "奖励：楼下走 10 分钟" in text
    assert "连续达标：1 天" in text
    assert recap.buttons == [], "a day with a block needs no push"

    empty = await mei.next_message(timeout=10)
    assert "没关系，这不是失败" in (empty.text or "")
    assert "/note 写三句话" in (empty.text or "")
    assert empty.buttons == [("▶️ 开始 45 分钟专注块", "sch:block")]


async def _seed_learner_with_a_week(database_url: str) -> dict[date, int]:
    """Lin, who started on Monday 2026-03-02, with blocks on four days; minutes per day."""
    database = Database(database_url)
    monday = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    plan = [(0, 45, "CNN", "卷积 + 池化\n为什么残差有用？"), (0, 30, "ResNet", None)]
    plan += [(2, 50, "RNN", "隐藏状态"), (3, 25, "LSTM", None), (5, 60, "Transformer", "QKV")]
    try:
        async with database.session() as session:
            session.add(learner_row(1001, monday, first_name="Lin"))
            await session.flush()
            for offset, minutes, topic, recap in plan:
                started = monday + timedelta(days=offset, hours=offset)
                session.add(
                    FocusBlock(
                        user_id=1001,
                        topic=topic,
                        planned_minutes=minutes,
                        status=BlockStatus.COMPLETED,
                        started_at=started,
                        planned_end_at=started + timedelta(minutes=minutes),
                        finished_at=started + timedelta(minutes=minutes),
                        local_date=started.astimezone(SHANGHAI).date(),
                        recap=recap,
                        notified_at=started + timedelta(minutes=minutes),
                        late=False,
                    )
                )
            await session.commit()
        async with database.session() as session:
            blocks = (await session.scalars(select(FocusBlock))).all()
    finally:
        await database.dispose()
    minutes_by_day: dict[date, int] = {}
    for block in blocks:
        assert block.finished_at is not None
        worked = int((block.finished_at - block.started_at).total_seconds() // 60)
        minutes_by_day[block.local_date] = minutes_by_day.get(block.local_date, 0) + worked
    return minutes_by_day


def _chart_bars(photo: bytes) -> dict[str, Any]:
    assert photo.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(photo))
    image.load()  # decodes every pixel: a truncated or corrupt PNG fails here
    assert image.format == "PNG" and image.width > 400 and image.height > 200
    return dict(json.loads(image.text[CHART_METADATA_KEY]))


@pytest.mark.parametrize("bot_overrides", [clock_at("2026-03-08T19:59:00+08:00")])
async def test_the_weekly_summary_chart_and_draft_match_the_database(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    minutes_by_day = await _seed_learner_with_a_week(database_url)
    week = [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]
    # Lin's own standard is 40 minutes, and Thursday was a day of a pause.
    database = Database(database_url)
    try:
        async with database.session() as session:
            user = await session.get(User, 1001)
            assert user is not None
            user.settings = {"standard_minutes": 40}
            session.add(
                SchedulePause(
                    user_id=1001,
                    first_day=date(2026, 3, 5),
                    last_day=date(2026, 3, 5),
                    created_at=datetime(2026, 3, 4, tzinfo=UTC),
                )
            )
            await session.commit()
    finally:
        await database.dispose()

    photo = await lin.next_message(timeout=15)
    assert photo.method == "sendPhoto" and photo.photo is not None, photo.summary()
    # Drawing the first chart imports matplotlib: at 30x a second of that is half a minute.
    arrived = _local(bot, "Asia/Shanghai")
    assert arrived.strftime("%a") == "Sun" and "20:00" <= arrived.strftime("%H:%M") <= "20:04"
    bars = _chart_bars(photo.photo)
    assert bars["days"] == [day.isoformat() for day in week]
    assert bars["minutes"] == [minutes_by_day.get(day, 0) for day in week]
    caption = photo.caption or ""
    total = sum(minutes_by_day.values())
    assert "Week 1 小结（2026-03-02 – 2026-03-08）" in caption
    # 45 + 30, 50, 25 and 60 minutes: three days met the standard of 40.
    assert f"专注 5 个块，共 {total} 分钟；活跃 4/7 天，达标 3 天" in caption
    assert "截至 2026-03-08，今天是这一周的最后一天" in caption
    assert bars["standard"] == 40 and bars["today"] == "2026-03-08"
    assert bars["paused"] == ["2026-03-05"]
    assert "最长的一块：Transformer（60 分钟，2026-03-07）" in caption

    draft = await lin.next_message(timeout=10)
    assert draft.method == "sendDocument" and draft.file_name == "week-01-2026-03-02.md"
    markdown = (draft.document or b"").decode("utf-8")
    assert markdown.startswith("## Week 1 小结\n- 完成了：5 个专注块")
    for line in ("03-02 CNN：卷积 + 池化", "03-04 RNN：隐藏状态", "03-07 Transformer：QKV"):
        assert line in markdown
    assert "- 仍然困惑：为什么残差有用？" in markdown
    assert "- 下周想补充：" in markdown

    # The same summary on demand, and the edges of /week.
    lin.send_text("/week")
    again = await lin.next_message()
    assert _chart_bars(again.photo or b"")["minutes"] == bars["minutes"]
    assert (await lin.next_message()).document == draft.document
    assert "第 2 周还没开始，现在是第 1 周" in await _reply(lin, "/week 2")
    assert "你的第 1 周从 2026-03-02 开始" in await _reply(lin, "/week last")
    assert "用法：/week" in await _reply(lin, "/week soon")
    [delivery] = await _deliveries(database_url, ScheduledDelivery.kind == "weekly")
    assert (delivery.status, delivery.local_date) == (DeliveryStatus.SENT, date(2026, 3, 8))
    assert delivery.due_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC) and not delivery.late


@pytest.mark.parametrize("bot_overrides", [clock_at("2026-03-08T19:59:00+08:00")])
async def test_on_the_first_day_of_a_plan_week_the_summary_is_of_the_week_just_finished(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    """The plan started on Sunday 1 March; the summary on Sunday 8 March (the first day of
    plan week 2) sums up plan week 1, 1–7 March, as `/plan` numbers it."""
    lin = emulator.user(1001, first_name="Lin")
    minutes_by_day = await _seed_learner_with_a_week(database_url)
    database = Database(database_url)
    try:
        async with database.session() as session:
            session.add(
                StudyPlanRecord(
                    user_id=1001,
                    revision=0,
                    start_date=date(2026, 3, 1),
                    updated_at=datetime(2026, 3, 1, tzinfo=UTC),
                )
            )
            await session.commit()
    finally:
        await database.dispose()
    photo = await lin.next_message(timeout=15)
    caption = photo.caption or ""
    assert "Week 1 小结（2026-03-01 – 2026-03-07）" in caption, caption
    assert "截至" not in caption, "a finished week is not summed up 'so far'"
    bars = _chart_bars(photo.photo or b"")
    assert bars["days"][0] == "2026-03-01" and bars["today"] is None
    assert sum(bars["minutes"]) == sum(minutes_by_day.values())
    draft = await lin.next_message(timeout=10)
    assert draft.file_name == "week-01-2026-03-01.md"
    assert "第 2 周（共 6 周）" in await _reply(lin, "/plan")
    assert "Week 2 小结（2026-03-08 – 2026-03-14）" in ((await _week(lin)) or "")


async def _week(user: EmulatedUser) -> str | None:
    user.send_text("/week")
    chart = await user.next_message(timeout=15)
    await user.next_message()  # the draft
    return chart.caption


# PTB itself reads RetryAfter.retry_after, which warns about its coming timedelta type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize("bot_overrides", [clock_at("2026-03-02T08:59:00+08:00")])
async def test_a_429_burst_is_retried_and_a_blocked_learner_stops_without_stopping_others(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    learners = [emulator.user(3000 + n, first_name=f"L{n}") for n in range(4)]
    for learner in learners:
        await _reply(learner, "/start")
    blocked = learners[1]
    blocked.blocked = True
    emulator.inject_fault("sendMessage", 429, retry_after=1, times=2)

    for learner in learners:
        if learner is not blocked:
            nudge = await learner.next_message(timeout=20)
            assert "早上好" in (nudge.text or "")
    deliveries = {d.user_id: d for d in await _deliveries(database_url)}  # all settled
    assert deliveries[blocked.id].status == DeliveryStatus.FAILED
    assert all(
        deliveries[learner.id].status == DeliveryStatus.SENT
        for learner in learners
        if learner is not blocked
    )
    await asyncio.gather(*(learner.no_message(within=0.5) for learner in learners))
    assert blocked.messages[-1].text and "早上好" not in blocked.messages[-1].text
    nudges = [c for c in emulator.calls_to("sendMessage") if "早上好" in c["text"]]
    # One attempt per learner, plus one retry for each of the two 429s; the 403 is final.
    assert len(nudges) == 4 + 2
    assert sum(1 for c in nudges if c["chat_id"] == blocked.id) >= 1

    [user] = await _rows(database_url, User, User.id == blocked.id)
    assert not user.active
    schedules = await _rows(database_url, Schedule, Schedule.user_id == blocked.id)
    assert [s.next_due_at for s in schedules] == [None, None, None]

    blocked.blocked = False  # they unblock the bot and write again: the nudges resume
    assert "学习教练" in await _reply(blocked, "/start")
    for _ in range(100):  # the next tick re-arms their schedule
        [nudge] = await _rows(
            database_url, Schedule, Schedule.user_id == blocked.id, Schedule.kind == "nudge"
        )
        if nudge.next_due_at is not None:
            break
        await asyncio.sleep(0.1)
    assert nudge.next_due_at == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    await blocked.no_message(within=0.2)


async def test_after_downtime_a_nudge_within_the_grace_window_comes_late_and_one_past_it_never(
    emulator: BotApiEmulator, database_url: str
) -> None:
    near = emulator.user(4001, first_name="Near")
    far = emulator.user(4002, first_name="Far")
    before = await start_bot(
        make_settings(database_url, emulator.base_url, **clock_at("2026-03-02T07:58:00+08:00"))
    )
    try:
        await _reply(near, "/start")
        await _reply(far, "/start")
        # 09:00 in Tokyo is 08:00 in Shanghai: Far's nudge falls due an hour before Near's.
        assert "Asia/Tokyo" in await _reply(far, "/settings tz Asia/Tokyo")
        await _enrolled(database_url, near.id)
    finally:
        await before.shutdown()

    # Back at 10:30 Shanghai time: Near's 09:00 is 90 minutes late, Far's 150 minutes.
    after = await start_bot(
        make_settings(database_url, emulator.base_url, **clock_at("2026-03-02T10:30:00+08:00"))
    )
    try:
        late = await near.next_message(timeout=15)
        assert "这条消息晚了 90 分钟：本该在 09:00 发出" in (late.text or "")
        assert "早上好，Near" in (late.text or "")
        await asyncio.gather(near.no_message(within=1.5), far.no_message(within=1.5))
    finally:
        await after.shutdown()
    deliveries = {d.user_id: d for d in await _deliveries(database_url)}
    assert (deliveries[near.id].status, deliveries[near.id].late) == (DeliveryStatus.SENT, True)
    assert (deliveries[far.id].status, deliveries[far.id].detail) == (
        DeliveryStatus.SKIPPED,
        "past the grace window",
    )


@pytest.mark.parametrize("bot_overrides", [clock_at("2026-03-02T08:00:00+08:00")])
async def test_settings_buttons_and_text_forms_change_the_schedule(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/settings")
    menu = await lin.next_message()
    assert "每日提醒：09:00（下一次：09:00）" in (menu.text or "")
    assert "每周总结：周日 20:00（下一次：03-08 20:00）" in (menu.text or "")
    assert [text for text, _ in menu.buttons] == [
        "🌅 提醒 09:00",
        "🌙 回顾 21:30",
        "📊 周报 周日 20:00",
        "⏸ 暂停 3 天",
        "⏸ 暂停 7 天",
    ]
    await _press(lin, menu, "🌅 提醒 09:00")
    assert "选一个每日提醒的时间" in (menu.text or "")
    await _press(lin, menu, "08:30")
    assert "每日提醒：08:30（下一次：08:30）" in (menu.text or "")
    assert lin.callback_answers[-1].get("text") == "已更新"
    await _press(lin, menu, "⏸ 暂停 7 天")
    assert "暂停中：2026-03-02 到 2026-03-08" in (menu.text or "")
    assert "每日提醒：08:30（暂停中）" not in (menu.text or "")
    assert ("▶️ 恢复提醒", "set:resume") in menu.buttons

    assert "从今天到 2026-03-08（7 天）不发任何提醒" in await _reply(lin, "/settings pause 7")
    assert "提醒已恢复。下一次每日提醒：08:30" in await _reply(lin, "/settings resume")
    assert "现在没有暂停" in await _reply(lin, "/settings resume")
    assert "晚间回顾改到 22:15" in await _reply(lin, "/settings recap 22:15")
    assert "每周总结改到 周六 19:30" in await _reply(lin, "/settings weekly 周六 19:30")
    # The picker's hint, `/settings weekly HH:MM`: a new time on the same day.
    assert "每周总结改到 周六 20:00" in await _reply(lin, "/settings weekly 20:00")
    assert "已关闭每周总结" in await _reply(lin, "/settings weekly off")
    assert "“25:61” 不是有效的时间" in await _reply(lin, "/settings nudge 25:61")
    assert "/settings weekly sun 20:00" in await _reply(lin, "/settings weekly someday")
    assert "不是有效的 IANA 时区名" in await _reply(lin, "/settings tz Mars/Base")
    assert "暂停天数要在 1 到 90 之间" in await _reply(lin, "/settings pause 1000")
    assert "不认识 “louder” 这个设置" in await _reply(lin, "/settings louder")
    overview = await _reply(lin, "/settings")
    assert "晚间回顾：22:15" in overview and "每周总结：已关闭" in overview


async def _press(user: EmulatedUser, message: SentMessage, button: str) -> None:
    """Press a button of a message the bot edits in place, and wait for the edit."""
    edits = message.edits
    user.press(message, button)
    for _ in range(200):
        if message.edits > edits:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{button!r} did not change {message.summary()}")


async def test_a_new_timezone_moves_the_schedule_and_other_messages_leave_it_alone(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    await _reply(lin, "/start")
    await _enrolled(database_url, lin.id)

    async def nudge() -> Schedule:
        [row] = await _rows(
            database_url, Schedule, Schedule.user_id == lin.id, Schedule.kind == "nudge"
        )
        return row

    before = await nudge()
    assert before.zone == "Asia/Shanghai"
    await _reply(lin, "/status")
    await _reply(lin, "/note 只是记一笔")
    await asyncio.sleep(0.5)
    unchanged = await nudge()
    assert (unchanged.zone, unchanged.next_due_at) == (before.zone, before.next_due_at)

    assert "America/New_York" in await _reply(lin, "/timezone America/New_York")
    for _ in range(100):
        moved = await nudge()
        if moved.zone == "America/New_York":
            break
        await asyncio.sleep(0.1)
    assert moved.zone == "America/New_York"
    assert moved.next_due_at is not None
    nudge_time = bot.services.settings.nudge_time  # a quiet time, not 09:00 (make_settings)
    assert f"{moved.next_due_at.astimezone(ZoneInfo('America/New_York')):%H:%M}" == nudge_time
