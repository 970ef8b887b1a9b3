"""End-to-end: the real python-telegram-bot Bot talking HTTP to the emulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from emulator import BotApiEmulator

pytestmark = pytest.mark.asyncio

USER_ID = 1001


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_get_me(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "study_coach_bot"
    assert emu.calls[0][0] == "getMe"
    assert emu.violations == []


async def test_message_keyboard_edit_and_callback(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, first_name="Lin", language_code="zh")
    markup = keyboard(("Start", "start:1"), ("Skip", "skip:1"))
    sent = await bot.send_message(
        USER_ID, "<b>Block 1</b> ready?", parse_mode="HTML", reply_markup=markup
    )
    assert sent.text == "Block 1 ready?"
    assert sent.from_user is not None and sent.from_user.is_bot

    msg = await user.next_message()
    assert msg.message_id == sent.message_id
    assert msg.text == "Block 1 ready?"
    assert msg.source_text == "<b>Block 1</b> ready?"
    assert msg.buttons == [("Start", "start:1"), ("Skip", "skip:1")]

    pressed = user.press(msg, "Start")
    updates = await bot.get_updates(timeout=1)
    assert [u.update_id for u in updates] == [pressed["update_id"]]
    query = updates[0].callback_query
    assert query is not None and query.data == "start:1"
    assert query.message is not None and query.message.message_id == msg.message_id
    assert query.chat_instance

    assert await bot.answer_callback_query(query.id, text="Go!")
    assert user.callback_answers == [
        {
            "callback_query_id": query.id,
            "text": "Go!",
            "show_alert": False,
            "url": None,
            "cache_time": None,
        }
    ]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)

    edited = await bot.edit_message_text(
        "Block 1 started", chat_id=USER_ID, message_id=msg.message_id
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    # Omitting reply_markup removes the keyboard, as on Telegram.
    assert msg.text == "Block 1 started" and msg.edits == 1 and msg.buttons == []
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Block 1 started", chat_id=USER_ID, message_id=msg.message_id)
    await bot.edit_message_reply_markup(
        USER_ID, msg.message_id, reply_markup=keyboard(("Done", "done"))
    )
    assert msg.buttons == [("Done", "done")] and msg.edits == 2
    assert emu.violations == []


async def test_parse_errors_are_refused_like_telegram(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user(USER_ID)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unsupported start tag"):
        await bot.send_message(USER_ID, "score < 3", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)must be escaped"):
        await bot.send_message(USER_ID, "Done.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER_ID, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "nobody here")
    assert emu.violations == []


async def test_send_document_and_read_it_back(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    sent = await bot.send_document(
        USER_ID, b"week plan", filename="plan.txt", caption="Your *plan*", parse_mode="Markdown"
    )
    assert sent.document is not None and sent.document.file_name == "plan.txt"
    assert sent.caption == "Your plan"
    msg = await user.next_message()
    assert msg.method == "sendDocument" and msg.document == b"week plan"
    assert msg.file_name == "plan.txt" and msg.mime_type == "text/plain"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"week plan"
    assert emu.download(sent.document.file_id) == b"week plan"
    # Resending by file_id reuses the stored file.
    again = await bot.send_document(USER_ID, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    assert emu.violations == []


async def test_send_photo(
    emu: BotApiEmulator, bot: Bot, make_png: Callable[[int, int], bytes]
) -> None:
    user = emu.user(USER_ID)
    png = make_png(40, 30)
    sent = await bot.send_photo(USER_ID, png, caption="chart")
    sizes = sent.photo
    assert len(sizes) >= 3
    assert [s.width for s in sizes] == sorted(s.width for s in sizes)
    assert (sizes[-1].width, sizes[-1].height) == (1280, 960)
    msg = await user.next_message()
    assert msg.photo == png and msg.caption == "chart"
    file = await bot.get_file(sizes[0].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    assert emu.violations == []


async def test_quiz_and_regular_polls(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    quiz = await bot.send_poll(
        USER_ID,
        "2 + 2?",
        ["3", "4", "5"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="basic maths",
    )
    assert quiz.poll is not None
    assert quiz.poll.type == "quiz" and quiz.poll.correct_option_ids == (1,)
    assert all(o.persistent_id for o in quiz.poll.options)
    quiz_msg = await user.next_message()
    assert quiz_msg.poll is not None and quiz_msg.poll["id"] == quiz.poll.id

    answer = user.answer_poll(quiz.poll.id, [2])
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [answer["update_id"]]
    poll_answer = updates[0].poll_answer
    assert poll_answer is not None and poll_answer.option_ids == (2,)
    assert poll_answer.user is not None and poll_answer.user.id == USER_ID
    with pytest.raises(ValueError, match=r"(?i)does not allow changing"):
        user.answer_poll(quiz.poll.id, [1])

    stopped = await bot.stop_poll(USER_ID, quiz.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1
    assert [o.voter_count for o in stopped.options] == [0, 0, 1]

    regular = await bot.send_poll(USER_ID, "Mood?", ["good", "meh"])
    assert regular.poll is not None and regular.poll.is_anonymous
    with pytest.raises(ValueError, match=r"(?i)anonymous"):
        user.answer_poll(regular.poll.id, [0])
    with pytest.raises(BadRequest):
        await bot.send_poll(USER_ID, "No answer?", ["a", "b"], type="quiz")
    assert emu.violations == []


async def test_long_polling_with_offset_confirmation(
    emu: BotApiEmulator, bot: Bot, bot_factory: Callable[[], Bot]
) -> None:
    user = emu.user(USER_ID)
    assert await bot.get_updates(timeout=0) == ()
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    first = user.send_text("/start")
    woken = await poll
    assert [u.update_id for u in woken] == [first["update_id"]]
    assert time.monotonic() - started < 2

    second = user.send_text("/block 1 attention")
    fetched = await bot.get_updates(timeout=1)
    assert [u.update_id for u in fetched] == [first["update_id"], second["update_id"]]
    command = fetched[1].message
    assert command is not None and command.text == "/block 1 attention"
    assert [(e.type, e.offset, e.length) for e in command.entities] == [("bot_command", 0, 6)]

    # The bot "dies" before confirming; a restarted bot gets the same updates again.
    async with bot_factory() as restarted:
        again = await restarted.get_updates(timeout=1)
        assert [u.update_id for u in again] == [first["update_id"], second["update_id"]]
        assert await restarted.get_updates(offset=second["update_id"] + 1, timeout=0) == ()
    assert emu.pending_updates() == []
    assert emu.violations == []


async def test_user_photo_get_file_and_download(
    emu: BotApiEmulator, bot: Bot, make_png: Callable[[int, int], bytes]
) -> None:
    user = emu.user(USER_ID)
    png = make_png(30, 40)
    user.send_photo(png, caption="my notes", media_group_id="album-1")
    (update,) = await bot.get_updates()
    message = update.message
    assert message is not None and message.caption == "my notes"
    assert message.media_group_id == "album-1"
    assert len(message.photo) >= 3
    biggest = message.photo[-1]
    assert (biggest.width, biggest.height) == (960, 1280)
    file = await biggest.get_file()
    assert bytes(await file.download_as_bytearray()) == png
    user.send_document(b"%PDF-1.4", "notes.pdf", "application/pdf")
    (doc_update,) = await bot.get_updates(offset=update.update_id + 1)
    assert doc_update.message is not None and doc_update.message.document is not None
    doc_file = await doc_update.message.document.get_file()
    assert bytes(await doc_file.download_as_bytearray()) == b"%PDF-1.4"
    assert emu.violations == []


async def test_http_errors_for_unknown_method_and_token(emu: BotApiEmulator) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{emu.base_url}/bot{emu.token}/sendTelepathy", data={"x": "1"}
        )
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        response = await client.post(f"{emu.base_url}/bot1:WRONG/getMe")
        assert response.status_code == 401
        assert response.json()["description"] == "Unauthorized"
        response = await client.post(
            f"{emu.base_url}/bot{emu.token}/sendMessage", json={"chat_id": 1}
        )
        assert response.status_code == 400
        assert response.json()["description"] == "Bad Request: text is empty"
        response = await client.get(f"{emu.base_url}/bot{emu.token}/GETME")
        assert response.json()["result"]["username"] == "study_coach_bot"
    assert "sendTelepathy: unknown Bot API method" in emu.violations
    assert "sendMessage: missing required parameter 'text'" in emu.violations


# PTB itself reads RetryAfter.retry_after, which warns about its coming timedelta type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_errors_surface_as_ptb_exceptions(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    emu.inject_fault("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER_ID, "hi")
    assert "Retry in 7 seconds" in str(info.value)

    emu.inject_fault("sendMessage", 502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER_ID, "hi")
    emu.inject_fault(None, 500)
    with pytest.raises(TelegramError):
        await bot.get_me()
    emu.inject_fault("sendMessage", 403)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(USER_ID, "hi")
    emu.inject_fault("sendmessage", 0, drop=True)
    with pytest.raises(NetworkError):
        await bot.send_message(USER_ID, "hi")
    # None of the failed calls had an effect; the next one goes through.
    assert user.messages == []
    await bot.send_message(USER_ID, "finally")
    assert [m.text for m in user.messages] == ["finally"]
    assert emu.violations == []


async def test_slow_reply_fault(emu: BotApiEmulator, bot: Bot) -> None:
    emu.inject_fault("getMe", 0, delay=0.2)
    started = time.monotonic()
    assert (await bot.get_me()).username == "study_coach_bot"
    assert time.monotonic() - started >= 0.19


async def test_blocked_user_is_forbidden(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID)
    user.blocked = True
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello?")


async def test_violations_catch_unknown_fields(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user(USER_ID)
    await bot.send_message(USER_ID, "valid")
    await bot.send_chat_action(USER_ID, "typing")
    await bot.set_my_commands([("block", "Start a focus block")])
    assert emu.violations == []
    await bot.send_message(USER_ID, "drifted", api_kwargs={"colour": "red"})
    assert emu.violations == ["sendMessage: unknown parameter 'colour'"]
