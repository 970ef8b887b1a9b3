"""The study plan as a learner uses it, through the real Application and the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from emulator import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.running_bot import RunningBot

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "study-plan-stage1.md"


async def _reply(user: EmulatedUser, text: str) -> SentMessage:
    user.send_text(text)
    return await user.next_message()


async def _text(user: EmulatedUser, text: str) -> str:
    return (await _reply(user, text)).text or ""


async def _until(condition: Callable[[], bool], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.05)


def _days_ago(days: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=days)).date().isoformat()


async def test_the_week_its_buttons_check_and_today(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    week = await _reply(lin, "/plan")
    text = week.text or ""
    assert "第 1 周（共 6 周）：常见深度网络结构" in text
    assert "🎯 目标：能画出并讲清 CNN" in text
    assert "📦 可见成果：《常见网络结构速查》笔记" in text
    assert "✅ 清单 0/5：" in text and "这是默认计划" in text
    assert [label for label, _ in week.buttons][:2] == [
        "⬜ 1. Day 1–2：CNN 与 ResNet",
        "⬜ 2. Day 3–4：RNN 与 Transformer",
    ]

    lin.press(week, week.buttons[0][1])
    await _until(lambda: week.edits == 1)
    assert "✅ 清单 1/5：" in (week.text or "")
    assert week.buttons[0][0] == "✅ 1. Day 1–2：CNN 与 ResNet"
    assert "已勾选第 1 项" in str(lin.callback_answers[-1])

    checked = await _reply(lin, "/check 2")
    assert checked.text == "✅ 已勾选第 2 项：Day 3–4：RNN 与 Transformer（本周 2/5）"
    assert "已经勾过了" in await _text(lin, "/check 2")
    assert "没有第 “9” 项" in await _text(lin, "/check 9")
    assert "用法：/check N" in await _text(lin, "/check")

    today = (await _reply(lin, "/today")).text or ""
    assert "📅 第 1 周 · 第 1 天" in today
    # Day 1–2 and Day 3–4 are ticked: the nested item under Day 3–4 is next.
    assert "今天建议做第 3 项：手画一遍 nn.TransformerEncoderLayer 的层次结构图" in today
    assert "/check 3" in today

    lin.press(week, week.buttons[0][1])  # untick item 1 again
    await _until(lambda: week.edits == 2)
    assert "✅ 清单 1/5：" in (week.text or "") and week.buttons[0][0].startswith("⬜ 1.")


async def test_other_weeks_start_dates_and_bad_input(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    week3 = (await _reply(lin, "/plan 3")).text or ""
    assert "第 3 周（共 6 周）：CLIP 与对比学习" in week3 and "这一周还没开始" in week3
    assert "计划里没有第 9 周，现有的是第 1、2、3、4、5、6 周。" in await _text(lin, "/plan 9")
    assert "不是有效日期" in await _text(lin, "/plan start 2026-13-01")
    assert "用法：" in await _text(lin, "/plan shuffle")
    started = (await _reply(lin, f"/plan start {_days_ago(15)}")).text or ""
    assert "今天是第 3 周" in started
    assert "第 3 周（共 6 周）" in await _text(lin, "/plan")
    assert "还有 3 天" in await _text(lin, f"/plan start {_days_ago(-3)}")
    assert "已经结束" in await _text(lin, "/plan start 2020-01-06")
    assert "第 6 周（共 6 周）" in await _text(lin, "/plan")

    english = emulator.user(2002, first_name="Ana")
    await _reply(english, "/lang en")
    shown = (await _reply(english, "/plan")).text or ""
    assert "Week 1 of 6: Common deep network architectures" in shown


async def test_importing_the_learner_s_plan_and_exporting_it_with_ticks(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    if not SEED.is_file():
        pytest.skip(f"the seed plan {SEED} is not present")
    seed = SEED.read_bytes()
    lin = emulator.user(1001, first_name="Lin")
    old = await _reply(lin, "/plan")

    lin.send_document(seed, "study-plan-stage1.md", "text/markdown")
    imported = (await lin.next_message()).text or ""
    assert "已导入你的计划「多模态大模型学习计划（Stage 1）」：6 周、18 个清单项" in imported
    assert "5. 大模型微调算法（SFT / RL） (1)" in imported

    await _reply(lin, f"/plan start {_days_ago(14)}")
    week = await _reply(lin, "/plan")
    assert "第 3 周（共 6 周）：CLIP（图文对齐）" in (week.text or "")
    assert "计划来自你导入的 study-plan-stage1.md" in (week.text or "")
    assert "📦 可见成果：跑通官方/第三方 CLIP 推理" in (week.text or "")
    # The seed's week 5 goal is three lines that each end in "；": joined once, not "；；".
    week5 = (await _reply(lin, "/plan 5")).text or ""
    assert "🎯 目标：懂得 SFT 是什么（监督微调）；知道 RL-based 方法" in week5
    assert "；；" not in week5

    # A button of the replaced default plan no longer ticks anything.
    lin.press(old, old.buttons[0][1])
    stale = await lin.next_message()
    assert "已经失效" in (stale.text or "") and "CLIP（图文对齐）" in (stale.text or "")

    lin.press(week, week.buttons[1][1])
    await _until(lambda: week.edits == 1)
    assert (await _text(lin, "/check 4")).startswith("✅ 已勾选第 4 项：博客输出")

    exported = await _reply(lin, "/plan export")
    assert exported.file_name == "study-plan-stage1.md" and exported.document is not None
    assert "2/18 项已完成" in (exported.caption or "")
    expected = (
        seed.decode()
        .replace("- [ ] 代码层面：", "- [x] 代码层面：")
        .replace("- [ ] 博客输出：\n  - 一篇《CLIP", "- [x] 博客输出：\n  - 一篇《CLIP")
        .encode()
    )
    assert exported.document == expected

    # Sending the export back restores the same plan and ticks.
    lin.send_document(exported.document, "study-plan-stage1.md", "text/markdown")
    assert "（其中 2 项已勾选）" in ((await lin.next_message()).text or "")


async def test_documents_that_are_not_plans_get_a_clear_reply(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_document("# 笔记\n\n- [ ] 没有周".encode(), "notes.md", "text/markdown")
    assert "没在这个文档里找到任何一周" in ((await lin.next_message()).text or "")
    lin.send_document("## 第 1 周\n- [ ] 任务".encode("gb18030"), "gbk.md", "text/markdown")
    assert "不是 UTF-8" in ((await lin.next_message()).text or "")
    lin.send_document(b"## Week 1\n- [ ] task\n", "plan.txt", "text/plain")
    assert "只能导入 .md" in ((await lin.next_message()).text or "")
    assert "这是默认计划" in await _text(lin, "/plan")


@pytest.mark.parametrize(
    "bot_overrides", [{"COACH_CLOCK_START": "2026-03-09T10:00:00+08:00"}]
)  # a Monday
async def test_plan_and_week_number_weeks_alike_for_every_start_weekday(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    """Issue 11: a plan started on Sunday 03-08, seen on Monday 03-09, is in week 1 for both
    `/plan` and `/week`, with the same dates and checklist; so for every start weekday."""
    today = date(2026, 3, 9)
    for offset in range(7):
        start = today - timedelta(days=offset)
        end = start + timedelta(days=6)
        learner = emulator.user(3000 + offset, first_name=f"L{offset}", language_code="zh")
        assert "第 1 周" in await _text(learner, f"/plan start {start.isoformat()}")
        plan = await _text(learner, "/plan")
        assert "第 1 周（共 6 周）" in plan, (start, plan)
        assert f"🗓 {start.isoformat()} – {end.isoformat()}" in plan
        assert "✅ 清单 0/5：" in plan
        learner.send_text("/week")
        chart = await learner.next_message(timeout=15)
        caption = chart.caption or ""
        assert f"Week 1 小结（{start.isoformat()} – {end.isoformat()}）" in caption, caption
        assert "计划清单：0/5 项" in caption
        left = (end - today).days
        so_far = f"这一周还剩 {left} 天" if left else "今天是这一周的最后一天"
        assert f"截至 2026-03-09，{so_far}" in caption
        assert "这一周到现在还没有完成的专注块" in caption and "下周从" not in caption
        draft = await learner.next_message()
        assert (draft.document or b"").decode("utf-8").startswith("## Week 1 小结\n")

    ana = emulator.user(3100, first_name="Ana", language_code="en")
    await _text(ana, "/lang en")
    await _text(ana, "/plan start 2026-03-08")
    assert "Week 1 of 6" in await _text(ana, "/plan")
    ana.send_text("/week")
    caption = (await ana.next_message(timeout=15)).caption or ""
    assert "Week 1 summary (2026-03-08 – 2026-03-14)" in caption
    draft = await ana.next_message()
    assert (draft.document or b"").decode("utf-8").startswith("## Week 1 Summary\n")
