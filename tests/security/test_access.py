"""Strangers are kept out of every handler, and nobody's buttons reach another learner's data."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from hypothesis import find
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, TypeHandler

from db.database import Database
from emulator import BotApiEmulator, EmulatedUser, SentMessage
from tests.support import corpus
from tests.support.learner_data import snapshot
from tests.support.running_bot import RunningBot

REFUSAL = "抱歉，这个学习教练只对受邀的学习者开放。"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _handlers(bot: RunningBot) -> list[BaseHandler[Any, Any, Any]]:
    """Every handler of every group, except the allow-list gate itself."""
    return [
        handler
        for group in bot.application.handlers.values()
        for handler in group
        if not isinstance(handler, TypeHandler)
    ]


def _data_for(pattern: object) -> str:
    """Callback data a handler's pattern accepts (the simplest such string)."""
    if isinstance(pattern, re.Pattern):
        return str(find(st.from_regex(pattern, fullmatch=True), lambda _: True))
    return "anything"


async def _snapshot(database_url: str, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return await snapshot(session, user_id)
    finally:
        await database.dispose()


class TestAllowList:
    """COACH_ALLOWED_USERS holds for messages, buttons, poll answers, photos, documents, …"""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_ALLOWED_USERS": "1001"}

    async def test_a_stranger_reaches_no_handler_and_leaves_no_trace(
        self,
        bot: RunningBot,
        emulator: BotApiEmulator,
        database_url: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        eve = emulator.user(4242, first_name="Eve")
        eve.send_text("/start")
        first = await eve.next_message()
        assert first.text == REFUSAL

        # One update for each command, each button pattern and each kind of message.
        handlers = _handlers(bot)
        commands = sorted(
            {c for h in handlers if isinstance(h, CommandHandler) for c in h.commands}
        )
        sent: list[dict[str, Any]] = []
        requests = 0
        for command in commands:
            sent.append(eve.send_text(f"/{command} 1 2 3"))
        sent.append(eve.send_text("/no_such_command"))
        sent.append(eve.send_text("just text"))
        sent.append(eve.send_photo(PNG, caption="what is this?"))
        sent.append(eve.send_document(b"%PDF-1.7", "plan.pdf", "application/pdf"))
        sent.append(
            eve.send_document("## 第 1 周\n- [ ] 偷看".encode(), "plan.md", "text/markdown")
        )
        sent.append(eve.send_document(b"week 1", "plan.txt", "text/plain"))
        for content in (corpus.sticker(), corpus.voice(), corpus.location()):
            sent.append(eve.send_content(content))
        requests += len(sent)
        patterns = [h.pattern for h in handlers if isinstance(h, CallbackQueryHandler)]
        presses = [eve.press_data(first, _data_for(pattern)) for pattern in patterns]
        sent += presses
        sent.append(emulator.inject_update(corpus.poll_answer(eve)))
        requests += 1
        # Kinds nobody asks anything with: silence.
        sent.append(eve.edit_text(sent[0], "/block 5 edited"))
        sent.append(emulator.inject_update(corpus.reaction(eve, first.message_id)))
        sent.append(emulator.inject_update(corpus.my_chat_member(eve, "kicked")))

        # Every handler the bot has would have taken one of these updates.
        updates = [Update.de_json(payload, bot.application.bot) for payload in sent]
        uncovered = [h for h in handlers if not any(h.check_update(u) for u in updates)]
        assert uncovered == [], f"extend the stranger's updates to reach {uncovered}"

        replies = [await eve.next_message(timeout=15) for _ in range(requests)]
        await eve.no_message(within=1.0)
        assert {reply.text for reply in replies} == {REFUSAL}
        assert all(reply.reply_markup is None for reply in replies)
        assert len(eve.callback_answers) == len(presses)
        assert {(a["text"], a["show_alert"]) for a in eve.callback_answers} == {(REFUSAL, True)}
        to_eve = [
            method
            for method, params in emulator.calls
            if params.get("chat_id") == eve.id
            or params.get("callback_query_id") in {p["callback_query"]["id"] for p in presses}
        ]
        assert set(to_eve) == {"sendMessage", "answerCallbackQuery"}
        assert all(not rows for rows in (await _snapshot(database_url, eve.id)).values())
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == []

        # The invited learner is served as usual.
        lin = emulator.user(1001, first_name="Lin")
        lin.send_text("/block 10 allowed")
        assert "专注块开始" in ((await lin.next_message()).text or "")


async def _learner_session(lin: EmulatedUser) -> list[SentMessage]:
    """Lin uses every button the bot offers: blocks, rewards, language, forget."""
    lin.send_text("/start")
    await lin.next_message()
    lin.send_text("/block 1 secret-topic-of-lin")
    await lin.next_message()
    ending = await lin.next_message(timeout=20)
    lin.send_text("/block 30 still-running-topic")
    await lin.next_message()
    lin.send_text("/rewards add lin-private-treat")
    await lin.next_message()
    lin.send_text("/forget")
    await lin.next_message()
    lin.send_text("/note lin-private-note")
    await lin.next_message()
    assert ending.buttons, "the completed block offers rewards"
    return list(lin.messages)


async def test_forged_callback_data_never_reads_or_changes_another_learners_data(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    mallory = emulator.user(666, first_name="Mallory")
    lin_messages = await _learner_session(lin)
    lin_data = [data for message in lin_messages for _, data in message.buttons if data]
    assert len(lin_data) >= 6
    before = await _snapshot(database_url, lin.id)

    mallory.send_text("/status")
    own = await mallory.next_message()
    # Mallory replays every piece of callback data Lin's buttons carry, from her own chat.
    for data in lin_data:
        mallory.press_data(own, data)
    await asyncio.sleep(0.5)
    await _settled(mallory, len(lin_data))

    assert await _snapshot(database_url, lin.id) == before
    seen = " ".join(
        [m.text or "" for m in mallory.messages]
        + [str(a["text"] or "") for a in mallory.callback_answers]
    )
    for private in ("secret-topic-of-lin", "still-running-topic", "lin-private"):
        assert private not in seen
    assert lin.messages == lin_messages, "nothing reached Lin's chat"
    assert all(m.edits == 0 for m in lin_messages if m.buttons)


async def _settled(user: EmulatedUser, presses: int) -> None:
    """Wait until every press was answered and the bot went quiet."""
    async with asyncio.timeout(20):
        while len(user.callback_answers) < presses:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
