"""The whole focus-block loop through the real Application, the emulator and a real database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.database import Database
from db.models import BlockStatus, FocusBlock, RewardGrant
from emulator import BotApiEmulator, EmulatedUser
from tests.support.running_bot import RunningBot


async def test_start_block_complete_recap_reward_status_export(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin", language_code="zh")

    lin.send_text("/start")
    welcome = await lin.next_message()
    assert "学习教练" in (welcome.text or "")
    assert "一杯奶茶 / 小零食" in (welcome.text or "")
    assert [text for text, _ in welcome.buttons] == ["中文", "English"]

    lin.send_text("/block 1 self-attention")
    started = await lin.next_message()
    assert "专注块开始：self-attention" in (started.text or "")
    assert "1 分钟" in (started.text or "")
    assert [text for text, _ in started.buttons] == ["✅ 提前完成", "✖️ 取消"]

    lin.send_text("/block 30 another")
    refused = await lin.next_message()
    assert "已经有一个专注块在进行：self-attention" in (refused.text or "")

    done = await lin.next_message(timeout=15)
    assert "专注块完成：self-attention" in (done.text or "")
    assert "/recap" in (done.text or "")
    assert [text for text, _ in done.buttons] == [
        "一杯奶茶 / 小零食",
        "楼下走 10 分钟",
        "刷 15 分钟短视频（定好闹钟）",
    ]

    lin.send_text("Q 是查询\nK 是键\nV 是值")
    saved = await lin.next_message()
    assert "小结已保存到「self-attention」" in (saved.text or "")

    lin.press(done, "楼下走 10 分钟")
    granted = await lin.next_message()
    assert "去享受吧：楼下走 10 分钟" in (granted.text or "")
    assert done.buttons == [], "the reward buttons are removed after the pick"

    lin.send_text("/status")
    status = await lin.next_message()
    assert "完成 1 个块，共 1 分钟" in (status.text or "")
    assert "连续达标：1 天" in (status.text or "")
    assert "没有进行中的块" in (status.text or "")

    lin.send_text("/export")
    exported = await lin.next_message()
    assert exported.document is not None and (exported.file_name or "").endswith(".json")
    document: dict[str, Any] = json.loads(exported.document)
    [block] = document["focus_blocks"]
    assert block["topic"] == "self-attention"
    assert block["status"] == "completed"
    assert block["recap"] == "Q 是查询\nK 是键\nV 是值"
    assert [grant["title"] for grant in document["reward_grants"]] == ["楼下走 10 分钟"]
    assert document["reward_grants"][0]["block_id"] == block["id"]

    database = Database(database_url)
    try:
        async with database.session() as session:
            blocks = (await session.scalars(select(FocusBlock))).all()
            grants = await session.scalar(select(func.count()).select_from(RewardGrant))
    finally:
        await database.dispose()
    assert [(b.topic, b.status) for b in blocks] == [("self-attention", BlockStatus.COMPLETED)]
    assert blocks[0].notified_at is not None
    assert grants == 1


async def _reply(user: EmulatedUser, text: str) -> str:
    user.send_text(text)
    message = await user.next_message()
    return message.text or ""


class TestTheMinimumViableDayAndRecaps:
    """Issue 11 with the default standard of 35 minutes: a token block keeps no streak, a
    question is not a recap, /recap shows and replaces it, the learner sets their standard."""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_REWARD_MIN_MINUTES": 35}

    async def test_in_chinese(self, bot: RunningBot, emulator: BotApiEmulator) -> None:
        lin = emulator.user(1001, first_name="Lin", language_code="zh")
        assert "还没有完成的块" in await _reply(lin, "/recap")

        await _reply(lin, "/block 1 CNN")
        done = await lin.next_message(timeout=15)
        assert "少于 35 分钟，所以没有奖励" in (done.text or "")
        assert "2 小时内直接发一条消息" in (done.text or "")

        # A question goes to the coach, and the recap is still awaited.
        lin.send_text("InfoNCE 到底怎么算？")
        hint = await lin.next_message()
        assert "这条像是一个问题，所以没有存成「CNN」的小结" in (hint.text or "")
        answer = await lin.next_message(timeout=15)
        assert "小结已保存" not in (answer.text or "")
        saved = await _reply(lin, "卷积 + 池化\n感受野")
        assert "小结已保存到「CNN」（" in saved and "结束的块）" in saved

        shown = await _reply(lin, "/recap")
        assert "「CNN」（" in shown and "卷积 + 池化\n感受野" in shown
        assert "要改：/recap 新的小结" in shown
        replaced = await _reply(lin, "/recap 卷积、池化和感受野")
        assert "「CNN」（" in replaced and "的小结已替换" in replaced
        assert "卷积、池化和感受野" in await _reply(lin, "/recap")

        status = await _reply(lin, "/status")
        assert "完成 1 个块，共 1 分钟" in status
        assert "还没达标" in status and "连续达标：0 天" in status

        assert "不是 1–180 之间的分钟数" in await _reply(lin, "/settings standard 0")
        assert "不是 1–180 之间的分钟数" in await _reply(lin, "/settings standard 十分钟")
        assert "至少 35 分钟" in await _reply(lin, "/settings")
        assert "一个至少 1 分钟的完整块算今天达标" in await _reply(lin, "/settings standard 1")
        assert "至少 1 分钟" in await _reply(lin, "/settings")
        status = await _reply(lin, "/status")
        assert "✅ 已达标" in status and "连续达标：1 天" in status

    async def test_in_english(self, bot: RunningBot, emulator: BotApiEmulator) -> None:
        ana = emulator.user(2002, first_name="Ana", language_code="en")
        await _reply(ana, "/lang en")
        assert "no completed block yet" in await _reply(ana, "/recap")

        await _reply(ana, "/block 1 CNN")
        done = await ana.next_message(timeout=15)
        assert "less than 35, so no reward" in (done.text or "")

        ana.send_text("How does InfoNCE work?")
        hint = await ana.next_message()
        assert "looks like a question, so it was not saved as the recap of “CNN”" in (
            hint.text or ""
        )
        await ana.next_message(timeout=15)
        saved = await _reply(ana, "convolution, pooling, receptive field")
        assert "Recap saved to “CNN” (the block that ended" in saved

        shown = await _reply(ana, "/recap")
        assert "convolution, pooling, receptive field" in shown and "To change it" in shown
        assert "was replaced" in await _reply(ana, "/recap conv + pool")

        status = await _reply(ana, "/status")
        assert "1 block completed, 1 minute" in status
        assert "not met yet" in status and "Streak: 0 days" in status

        refused = await _reply(ana, "/settings standard 500")
        assert "not a number of minutes from 1 to 180" in refused
        assert "at least 1 minute meets" in await _reply(ana, "/settings standard 1")
        status = await _reply(ana, "/status")
        assert "✅ met" in status and "Streak: 1 day" in status


async def test_a_message_long_after_the_block_is_not_its_recap_and_is_told_so_once(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin", language_code="zh")
    await _reply(lin, "/block 1 ViT")
    await lin.next_message(timeout=15)  # the block ends and asks for the recap
    # Three hours pass (moved in the database: the bot's clock is the real one, sped up),
    # once the bot has recorded that it told the learner.
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    database = Database(database_url)
    try:
        async with asyncio.timeout(10):
            while True:
                async with database.session() as session:
                    moved = await session.execute(
                        update(FocusBlock)
                        .where(FocusBlock.notified_at.is_not(None))
                        .values(finished_at=long_ago, notified_at=long_ago)
                    )
                    await session.commit()
                if getattr(moved, "rowcount", 0):
                    break
                await asyncio.sleep(0.05)
    finally:
        await database.dispose()

    lin.send_text("patch embedding 就是把图切块再线性投影")
    notice = await lin.next_message()
    assert "结束已经超过 2 小时，这条消息没有存成它的小结" in (notice.text or "")
    await lin.next_message(timeout=15)  # the coach's own answer
    # Told once: the next message is just a message.
    lin.send_text("今天还想再学一点")
    answer = await lin.next_message(timeout=15)
    assert "超过 2 小时" not in (answer.text or "")
    assert "/recap" in await _reply(lin, "/recap")  # nothing was saved as the recap
