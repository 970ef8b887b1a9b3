"""The Python control interface: users, message cursors, events, faults, lifecycle."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Conflict

from emulator import BotApiEmulator, SentMessage

pytestmark = pytest.mark.asyncio

USER_ID = 2002


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_user_handles_and_shared_message_ids(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, first_name="Mo", username="mo_learns")
    assert emu.user(USER_ID) is user
    first = user.send_text("hello")
    assert first["message"]["chat"] == {
        "id": USER_ID,
        "type": "private",
        "first_name": "Mo",
        "username": "mo_learns",
    }
    sent = await bot.send_message(USER_ID, "hi", reply_parameters=ReplyParameters(1))
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "hello"
    second = user.send_text("again")
    assert [first["message"]["message_id"], sent.message_id, second["message"]["message_id"]] == [
        1,
        2,
        3,
    ]
    assert [u["update_id"] for u in emu.pending_updates()] == [
        first["update_id"],
        second["update_id"],
    ]
    with pytest.raises(BadRequest):
        await bot.send_message(USER_ID, "x", reply_parameters=ReplyParameters(99))
    assert emu.violations == []


async def test_next_message_cursor_and_timeouts(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    await bot.send_message(USER_ID, "one")
    await bot.send_message(USER_ID, "two")
    assert (await user.next_message()).text == "one"
    assert (await user.next_message()).text == "two"
    with pytest.raises(TimeoutError) as info:
        await user.next_message(timeout=0.05)
    report = str(info.value)
    assert "no new bot message within 0.05s" in report
    assert "'one'" in report and "'two'" in report and "sendMessage" in report
    await user.no_message(within=0.05)
    await bot.send_message(USER_ID, "three")
    with pytest.raises(AssertionError, match="three"):
        await user.no_message(within=0.05)
    assert (await user.next_message()).text == "three"


async def test_press_lookup_forgery_and_deletion(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    other = emu.user(USER_ID + 1)
    await bot.send_message(USER_ID, "pick", reply_markup=keyboard(("Yes", "y"), ("No", "n")))
    msg = await user.next_message()
    assert user.press(msg, "n")["callback_query"]["data"] == "n"
    with pytest.raises(ValueError, match="buttons are"):
        user.press(msg, "Maybe")
    # Pressing another chat's message simulates a forged press: it reaches the bot as such.
    forged = other.press(msg, "Yes")
    query = forged["callback_query"]
    assert query["from"]["id"] == USER_ID + 1 and query["message"]["chat"]["id"] == USER_ID
    (update,) = [u for u in await bot.get_updates() if u.update_id == forged["update_id"]]
    assert update.callback_query is not None
    await update.callback_query.answer("not yours")
    assert [a["text"] for a in other.callback_answers] == ["not yours"]
    # Buttons come from reply_markup, so a test can forge callback data too.
    msg.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": "admin"}]]}
    assert user.press(msg, "admin")["callback_query"]["data"] == "admin"
    assert await bot.delete_message(USER_ID, msg.message_id)
    assert msg.deleted
    with pytest.raises(ValueError, match="deleted"):
        user.press(msg, "Yes")
    with pytest.raises(BadRequest):
        await bot.delete_message(USER_ID, msg.message_id)


async def test_redeliver_requeues_a_confirmed_update(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    first = user.send_text("/block 45 CLIP")
    second = user.send_text("/note hi")
    fetched = await bot.get_updates()
    await bot.get_updates(offset=fetched[-1].update_id + 1)
    assert emu.pending_updates() == []
    later = user.send_text("/status")
    emu.redeliver(second)
    emu.redeliver(first)
    emu.redeliver(first)  # already pending: no duplicate
    ids = [u.update_id for u in await bot.get_updates()]
    assert ids == [first["update_id"], second["update_id"], later["update_id"]]
    with pytest.raises(ValueError):
        emu.redeliver({"message": {}})


async def test_bot_message_events(emu: BotApiEmulator, bot: Bot) -> None:
    events: list[tuple[int, str]] = []

    def listener(message: SentMessage, event: str) -> None:
        events.append((message.message_id, event))

    emu.on_bot_message(listener)
    emu.user(USER_ID)
    sent = await bot.send_message(USER_ID, "v1")
    await bot.edit_message_text("v2", chat_id=USER_ID, message_id=sent.message_id)
    await bot.delete_message(USER_ID, sent.message_id)
    assert events == [
        (sent.message_id, "sent"),
        (sent.message_id, "edited"),
        (sent.message_id, "deleted"),
    ]


async def test_chat_actions_commands_and_files(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    await bot.send_chat_action(USER_ID, "upload_document")
    assert user.chat_actions == ["upload_document"]
    with pytest.raises(BadRequest):
        await bot.send_chat_action(USER_ID, "dancing")
    await bot.set_my_commands([("plan", "Show today's plan")])
    assert [c.command for c in await bot.get_my_commands()] == ["plan"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad-Name", "nope")])
    with pytest.raises(KeyError):
        emu.download("nope")
    assert emu.calls_to("sendChatAction") == [
        {"chat_id": USER_ID, "action": "upload_document"},
        {"chat_id": USER_ID, "action": "dancing"},
    ]
    assert emu.violations == []


async def test_allowed_updates_and_webhook(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    await bot.get_updates(allowed_updates=["callback_query"])
    user.send_text("ignored: bot only wants callback queries")
    assert emu.pending_updates() == []
    await bot.get_updates(allowed_updates=[])
    user.send_text("delivered")
    assert len(emu.pending_updates()) == 1
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert emu.pending_updates() == []
    assert emu.violations == []


async def test_fault_arguments_are_checked(emu: BotApiEmulator) -> None:
    with pytest.raises(ValueError):
        emu.inject_fault("getMe", 500, times=0)
    with pytest.raises(ValueError):
        emu.inject_fault("getMe", 200)


async def test_restart_keeps_state(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    update = user.send_text("before restart")
    await emu.stop()
    await emu.start()
    async with Bot(emu.token, base_url=f"{emu.base_url}/bot") as fresh:
        (again,) = await fresh.get_updates(timeout=1)
    assert again.update_id == update["update_id"]


async def test_async_context_manager() -> None:
    emulator = BotApiEmulator()
    async with emulator, Bot(emulator.token, base_url=f"{emulator.base_url}/bot") as client:
        assert (await client.get_me()).username == "study_coach_bot"
    with pytest.raises(RuntimeError):
        BotApiEmulator().base_url  # noqa: B018
