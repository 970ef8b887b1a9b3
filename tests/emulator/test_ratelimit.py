"""The emulator's flood limit: message-sending calls beyond N in any W seconds get 429."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from emulator import BotApiEmulator
from emulator.ratelimit import SlidingWindowLimit, counts_as_message

USER_ID = 2002


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_refusals_use_no_slot() -> None:
    clock = FakeTime()
    limit = SlidingWindowLimit(3, 1.0, clock=clock)
    assert [limit.admit() for _ in range(3)] == [None, None, None]
    clock.now += 0.4
    assert limit.admit() == 1, "the oldest slot frees 0.6 s later: retry after 1 s"
    assert limit.admit() == 1
    clock.now += 0.6  # the first three leave the window together
    assert [limit.admit() for _ in range(3)] == [None, None, None]
    assert limit.admit() is not None
    assert (limit.admitted, limit.refused) == (6, 3)


def test_only_calls_that_send_a_message_count() -> None:
    assert counts_as_message("sendMessage") and counts_as_message("sendPhoto")
    assert counts_as_message("copyMessage") and counts_as_message("forwardMessage")
    for method in ("sendChatAction", "getUpdates", "answerCallbackQuery", "editMessageText"):
        assert not counts_as_message(method)


def test_a_limit_needs_a_slot_and_a_window() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimit(0)
    with pytest.raises(ValueError):
        SlidingWindowLimit(5, 0)


# PTB itself reads RetryAfter.retry_after, which warns about its coming timedelta type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_the_emulator_answers_429_with_retry_after_beyond_the_limit(
    emu: BotApiEmulator, bot: Bot
) -> None:
    user = emu.user(USER_ID)
    emu.enforce_rate_limit(3)
    for n in range(3):
        await bot.send_message(USER_ID, f"message {n}")
    await bot.send_chat_action(USER_ID, "typing")  # not a message: not counted
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(USER_ID, "one too many")
    assert "Retry in 1 seconds" in str(refused.value)
    assert [m.text for m in user.messages] == ["message 0", "message 1", "message 2"]
    assert emu.rate_limited == 1
    emu.enforce_rate_limit(None)
    await bot.send_message(USER_ID, "no limit any more")
    assert emu.rate_limited == 0 and len(user.messages) == 4
    assert emu.violations == []
