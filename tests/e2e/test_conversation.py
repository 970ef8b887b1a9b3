"""Commands, bad input, languages and the allow-list, as a learner meets them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from db.database import Database
from db.models import User
from emulator import BotApiEmulator
from tests.support.running_bot import RunningBot


async def _reply(user: Any, text: str) -> str:
    user.send_text(text)
    message = await user.next_message()
    return message.text or message.caption or ""


async def test_bad_arguments_and_unknown_commands_get_usage(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    assert "时长要在 1 到 180 分钟之间，你给的是 “500”" in await _reply(lin, "/block 500 too long")
    assert "时长要在 1 到 180 分钟之间" in await _reply(lin, "/block 0")
    # An unknown command gets two lines, not the whole help; a typo gets the command meant.
    assert (
        await _reply(lin, "/frobnicate now") == "没有 /frobnicate 这个命令。\n/help 查看全部命令。"
    )
    assert await _reply(lin, "/stauts") == (
        "没有 /stauts 这个命令——是想用 /status 吗？\n/help 查看全部命令。"
    )
    assert "用法：/lang zh 或 /lang en" in await _reply(lin, "/lang klingon")
    assert "不是有效的 IANA 时区名" in await _reply(lin, "/timezone Mars/Base")
    assert "用法：/note" in await _reply(lin, "/note")
    # `/recap` alone shows the latest block's recap; before any block there is none.
    assert "还没有完成的块，所以还没有小结可写" in await _reply(lin, "/recap")
    assert "还没有完成的块，所以还没有小结可写" in await _reply(lin, "/recap 太早了")
    assert "现在没有进行中的专注块" in await _reply(lin, "/cancel")
    # Without an LLM a plain message gets the offline coaching reply, which says so.
    chat = await _reply(lin, "随便说一句")
    assert "/block" in chat and "离线回复：没有配置语言模型" in chat
    assert "没有第 “9” 项" in await _reply(lin, "/rewards remove 9")
    assert "用法：/rewards" in await _reply(lin, "/rewards shuffle")


async def test_a_photo_gets_a_clear_reply(bot: RunningBot, emulator: BotApiEmulator) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 64, caption="what is this?")
    reply = await lin.next_message()
    # No VISION_URL or VLM_BASE_URL in the test settings: the photo feature says so.
    assert "还没有配置图片模型" in (reply.text or "")
    lin.send_text("/vision")
    assert "还没有配置图片模型" in ((await lin.next_message()).text or "")
    lin.send_document(b"%PDF-1.4 notes", "notes.pdf", "application/pdf")
    reply = await lin.next_message()
    assert "文字消息、命令和图片" in (reply.text or "")


async def test_english_on_request_and_timezone_in_replies(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    ana = emulator.user(2002, first_name="Ana")
    assert "切换到英文" in await _reply(ana, "/start")
    assert "I'll speak English" in await _reply(ana, "/lang en")
    assert "Timezone set to America/New_York" in await _reply(ana, "/timezone America/New_York")
    started = await _reply(ana, "/block 25 DPO loss")
    assert "Focus block started: DPO loss" in started and "25 minutes" in started
    status = await _reply(ana, "/status")
    assert "Running: DPO loss, 25 min left" in status
    assert "Cancelled: DPO loss" in await _reply(ana, "/cancel")
    assert "Streak: 0 days" in await _reply(ana, "/status")
    assert await _reply(ana, "/setings") == (
        "There is no /setings command — did you mean /settings?\n/help lists every command."
    )


async def test_language_buttons_switch_language(bot: RunningBot, emulator: BotApiEmulator) -> None:
    ana = emulator.user(2002, first_name="Ana")
    ana.send_text("/start")
    welcome = await ana.next_message()
    ana.press(welcome, "English")
    assert "I'll speak English" in ((await ana.next_message()).text or "")
    assert ana.callback_answers, "the button press was answered"
    assert "Commands:" in await _reply(ana, "/help")


async def test_cancel_button_and_short_blocks_earn_no_reward(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/block 1 RNN")
    started = await lin.next_message()
    lin.press(started, "✖️ 取消")
    cancelled = await lin.next_message()
    assert "已取消：RNN" in (cancelled.text or "")
    assert started.buttons == []
    await lin.no_message(within=3)  # a cancelled block never "completes"

    lin.send_text("/block 3 Transformer")
    started = await lin.next_message()
    lin.press(started, "✅ 提前完成")
    early = await lin.next_message()
    assert "提前完成：Transformer，做了 0 分钟" in (early.text or "")
    assert "没有奖励" in (early.text or "")
    assert early.buttons == []


class TestRewardMinimum:
    """With the default COACH_REWARD_MIN_MINUTES of 35."""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_REWARD_MIN_MINUTES": 35}

    async def test_a_short_block_is_kindly_refused_a_reward(
        self, bot: RunningBot, emulator: BotApiEmulator
    ) -> None:
        lin = emulator.user(1001, first_name="Lin")
        lin.send_text("/block 1 CNN")
        await lin.next_message()
        done = await lin.next_message(timeout=15)
        assert "专注块完成：CNN" in (done.text or "")
        assert "少于 35 分钟，所以没有奖励" in (done.text or "")
        assert done.buttons == []


class TestEnglishCounts:
    """A one-minute block that meets the standard: every count of 1 takes the singular."""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_REWARD_MIN_MINUTES": 1}

    async def test_one_block_one_minute_one_day(
        self, bot: RunningBot, emulator: BotApiEmulator
    ) -> None:
        ana = emulator.user(2002, first_name="Ana")
        await _reply(ana, "/lang en")
        started = await _reply(ana, "/block 1 CNN")
        assert "1 minute, ends at" in started
        done = await ana.next_message(timeout=15)
        assert "Focus block complete: CNN (1 min)" in (done.text or "")
        status = await _reply(ana, "/status")
        assert "1 block completed, 1 minute" in status and "Streak: 1 day" in status
        assert "1 blocks" not in status and "1 days" not in status


async def test_notes_keep_line_breaks_and_reward_menu_edits(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    assert "今天第 1 条" in await _reply(lin, "/note 第一句\n第二句\n第三句")
    assert "今天第 2 条" in await _reply(lin, "/note 再来一句")
    added = await _reply(lin, "/rewards add 看一集动漫")
    assert "已加入奖励菜单：看一集动漫" in added and "4. 看一集动漫" in added
    assert "已从奖励菜单删除：楼下走 10 分钟" in await _reply(lin, "/rewards remove 2")
    menu = await _reply(lin, "/rewards")
    assert "1. 一杯奶茶 / 小零食\n2. 刷 15 分钟短视频（定好闹钟）\n3. 看一集动漫" in menu
    lin.send_text("/export")
    exported = await lin.next_message()
    assert exported.document is not None
    document = json.loads(exported.document)
    assert [note["text"] for note in document["daily_notes"]] == [
        "第一句\n第二句\n第三句",
        "再来一句",
    ]
    # Each instant in UTC and in the learner's zone (Asia/Shanghai by default).
    note = document["daily_notes"][0]
    assert note["created_at"].endswith("+00:00") and note["created_at_local"].endswith("+08:00")
    assert [entry["kind"] for entry in document["schedule"]] == ["nudge", "recap", "weekly"]
    weekly = document["schedule"][2]
    assert weekly["weekday"] is not None and weekly["next_due_at_local"].endswith("+08:00")
    assert document["schedule_pauses"] == []


async def test_forged_button_data_changes_nothing(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    mallory = emulator.user(666, first_name="Mallory")
    lin.send_text("/block 20 PPO")
    started = await lin.next_message()
    block_data = started.buttons[1][1]
    # Mallory replays Lin's cancel button on a message of her own.
    mallory.send_text("/block 5 mine")
    hers = await mallory.next_message()
    hers.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": block_data}]]}
    mallory.press(hers, block_data)
    assert "已经结束" in ((await mallory.next_message()).text or "")
    lin.send_text("/status")
    assert "进行中：PPO" in ((await lin.next_message()).text or "")


class TestAllowList:
    """COACH_ALLOWED_USERS keeps strangers out of every handler."""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_ALLOWED_USERS": "1001, 1002"}

    async def test_strangers_get_one_polite_refusal_and_nothing_is_stored(
        self, bot: RunningBot, emulator: BotApiEmulator, database_url: str
    ) -> None:
        lin = emulator.user(1001, first_name="Lin")
        eve = emulator.user(4242, first_name="Eve")
        assert "专注块开始" in await _reply(lin, "/block 10 allowed")
        started = lin.messages[-1]

        eve.send_text("/block 10 sneaky")
        refusal = await eve.next_message()
        assert refusal.text == "抱歉，这个学习教练只对受邀的学习者开放。"
        await eve.no_message(within=1)
        eve.send_text("/export")
        assert (await eve.next_message()).text == refusal.text
        eve.press(started, started.buttons[1][1])
        await eve.no_message(within=1)
        assert eve.callback_answers and "受邀" in str(eve.callback_answers[-1])

        database = Database(database_url)
        try:
            async with database.session() as session:
                users = await session.scalar(select(func.count()).select_from(User))
        finally:
            await database.dispose()
        assert users == 1
