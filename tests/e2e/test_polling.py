"""Long polling with the update inbox: slow work for one learner holds back no one else,
and an update in flight when the process dies is handled after the restart."""

from __future__ import annotations

import asyncio

import pytest

from db.models import DailyNote, InboxUpdate
from emulator import BotApiEmulator
from tests.support.databases import count_rows
from tests.support.llm_stub import StubLlm
from tests.support.running_bot import make_settings, start_bot


def _slow_llm(llm: StubLlm) -> dict[str, object]:
    return {
        "LLM_BASE_URL": llm.base_url,
        "LLM_MODEL": "stub-model",
        "LLM_API_KEY": "sk-test",
        "LLM_TIMEOUT_SECONDS": 30,
    }


async def test_a_slow_reply_for_one_learner_does_not_hold_back_another(
    database_url: str, emulator: BotApiEmulator, llm: StubLlm
) -> None:
    lin, ana = emulator.user(1001, first_name="Lin"), emulator.user(2002, first_name="Ana")
    llm.hang(8, "Attention is a weighted average of values.")
    running = await start_bot(make_settings(database_url, emulator.base_url, **_slow_llm(llm)))
    try:
        lin.send_text("explain attention again?")
        await asyncio.wait_for(llm.received.wait(), timeout=15)
        # Lin's update is in flight (the model is thinking); Ana's comes in a later batch.
        ana.send_text("/note 先撑过一个块")
        saved = await ana.next_message(timeout=6)
        assert "已写进" in (saved.text or "")
        assert lin.messages == [], "Ana was answered while Lin's reply was still being made"
        answer = await lin.next_message(timeout=15)
        assert answer.text == "Attention is a weighted average of values."
    finally:
        await running.shutdown()
    assert await count_rows(database_url, InboxUpdate) == 0, "handled updates leave the inbox"


async def test_an_update_in_flight_at_a_crash_is_handled_after_the_restart(
    database_url: str, emulator: BotApiEmulator, llm: StubLlm
) -> None:
    lin, ana = emulator.user(1001, first_name="Lin"), emulator.user(2002, first_name="Ana")
    llm.hang(30, "never seen")
    first = await start_bot(make_settings(database_url, emulator.base_url, **_slow_llm(llm)))
    try:
        lin.send_text("are you there?")
        await asyncio.wait_for(llm.received.wait(), timeout=15)
        ana.send_text("/note 这条在崩溃前已经确认给 Telegram")
        await ana.next_message(timeout=10)
        # Telegram was told both updates arrived: only the inbox still has the first.
        assert emulator.pending_updates() == []
        for _ in range(50):  # Ana's update leaves the inbox just after her reply is sent
            if await count_rows(database_url, InboxUpdate) == 1:
                break
            await asyncio.sleep(0.1)
        assert await count_rows(database_url, InboxUpdate) == 1
    finally:
        # Like a SIGKILL for the update in flight: no shutdown code of the handler runs.
        first.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first.task
        await first.services.close()
    llm.reply("Yes, here!")
    second = await start_bot(make_settings(database_url, emulator.base_url, **_slow_llm(llm)))
    try:
        assert (await lin.next_message(timeout=20)).text == "Yes, here!"
        await lin.no_message(within=1)
    finally:
        await second.shutdown()
    assert await count_rows(database_url, DailyNote) == 1
    assert await count_rows(database_url, InboxUpdate) == 0
