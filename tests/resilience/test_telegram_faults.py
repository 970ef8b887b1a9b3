"""Telegram misbehaving while the bot sends: 429 storms, 5xx, slow answers, dropped connections.

Afterwards everything the bot acknowledged is in the database, retries stopped at their
bound, and the bot still serves.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.sending import RATE_LIMIT_RETRIES, TRANSIENT_RETRIES
from emulator import BotApiEmulator, EmulatedUser
from tests.resilience.acks import AckLedger, focus_session, quiz_round
from tests.support.running_bot import RunningBot
from tests.support.waiting import eventually

# The most attempts one call can take: transient retries around the 429 retries.
MAX_ATTEMPTS = (TRANSIENT_RETRIES + 1) * (RATE_LIMIT_RETRIES + 1)
LEARNERS = 4


async def test_faults_while_sending_lose_nothing_the_bot_acknowledged(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    learners = [emulator.user(7000 + i, first_name=f"F{i}") for i in range(LEARNERS)]
    # A storm over the session: each fault hits the next calls of its method.
    emulator.inject_fault("sendMessage", 429, retry_after=1, times=3)
    emulator.inject_fault("sendMessage", 500, times=2)
    emulator.inject_fault("sendMessage", 502, times=1)
    emulator.inject_fault("sendMessage", 0, delay=1.5, times=3)
    emulator.inject_fault("sendMessage", 0, drop=True, times=2)
    emulator.inject_fault("answerCallbackQuery", 0, drop=True, times=1)
    emulator.inject_fault("answerCallbackQuery", 503, times=1)
    emulator.inject_fault("editMessageReplyMarkup", 429, retry_after=1, times=1)
    emulator.inject_fault("sendPoll", 429, retry_after=1, times=2)
    emulator.inject_fault("sendPoll", 502, times=1)
    emulator.inject_fault("sendPoll", 0, drop=True, times=1)
    emulator.inject_fault("sendPoll", 0, delay=1.5, times=2)
    emulator.inject_fault("getUpdates", 502, times=1)
    emulator.inject_fault("getUpdates", 0, drop=True, times=1)

    ledger = AckLedger()

    async def session(user: EmulatedUser) -> None:
        await focus_session(user, ledger, f"{user.id}", within=20)
        await quiz_round(user, ledger, questions=3, within=20)

    await asyncio.gather(*(session(user) for user in learners))
    await eventually(lambda: emulator.pending_updates() == [], within=30)

    assert await ledger.missing(database_url) == []
    # Despite the faults, most of the session got through (retries do their job).
    assert ledger.kinds() == {
        "block_started",
        "block_completed",
        "recap",
        "grant",
        "note",
        "quiz_answer",
    }
    assert len(ledger.acks) >= LEARNERS * 6

    # Bounded: no message was attempted more often than the retry policy allows.
    attempts = Counter(
        (params.get("chat_id"), params.get("text")) for params in emulator.calls_to("sendMessage")
    )
    assert max(attempts.values()) <= MAX_ATTEMPTS
    polls = Counter(
        (params.get("chat_id"), params.get("question")) for params in emulator.calls_to("sendPoll")
    )
    assert max(polls.values()) <= MAX_ATTEMPTS

    # And the bot still serves.
    for user in learners:
        user.send_text("/status")
    for user in learners:
        status = await user.next_message(timeout=15)
        while "连续达标" not in (status.text or ""):
            status = await user.next_message(timeout=15)


async def test_a_telegram_outage_is_retried_with_back_off_and_the_replies_come_in_order(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(7100, first_name="Lin")
    lin.send_text("/status")
    await lin.next_message()
    calls_before = len(emulator.calls_to("sendMessage"))
    emulator.inject_fault("sendMessage", 500, times=1000)
    lin.send_text("/note written during an outage")
    # One send gives up after TRANSIENT_RETRIES + 1 attempts; the outbox then tries again
    # after 2 s, 4 s, …: never a tight loop.
    per_send = TRANSIENT_RETRIES + 1

    def attempts() -> int:
        return len(emulator.calls_to("sendMessage")) - calls_before

    await eventually(lambda: attempts() >= per_send, within=30)
    await asyncio.sleep(5.0)
    assert per_send < attempts() <= 2 * per_send, "retried later, with back-off"

    ledger = AckLedger()
    ledger.add("note", lin.id, "written during an outage")
    assert await ledger.missing(database_url) == [], "the note was committed before replying"
    emulator.clear_faults()
    lin.send_text("/note after the outage")
    # The reply held back by the outage comes first, then the new one: in order.
    assert "今天第 1 条" in ((await lin.next_message(timeout=15)).text or "")
    assert "今天第 2 条" in ((await lin.next_message(timeout=15)).text or "")
    await lin.no_message(within=1)
