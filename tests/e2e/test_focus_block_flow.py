"""The whole focus-block loop through the real Application, the emulator and a real database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from db.database import Database
from db.models import BlockStatus, FocusBlock, RewardGrant
from emulator import BotApiEmulator
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
