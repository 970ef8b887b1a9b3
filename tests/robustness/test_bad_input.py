"""Property-based: whatever arrives, the bot answers every request and never fails unhandled.

Hypothesis draws sequences of updates — arbitrary Unicode, empty and 4,096-character texts,
commands with garbage arguments, tampered callback data, documents that are not what they
claim, stickers and voice notes, and update kinds the bot has no handler for — and sends
them through the emulator to the real bot. Each update is sent on its own and the test waits
until the bot confirmed it (the polling loop confirms only after handling), so every reply
seen belongs to that update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import COMMANDS
from coach.messages import CATALOGS
from emulator import BotApiEmulator, EmulatedUser
from tests.support import corpus
from tests.support.running_bot import RunningBot
from tests.support.waiting import eventually

# Enough variety per run, and well under a minute per backend on a loaded machine.
EXAMPLES = 30
APOLOGIES = {CATALOGS[language]["error.generic"] for language in CATALOGS}
ALL_COMMANDS = sorted({*COMMANDS, "start", "tz", "language"})
USER_IDS = (3101, 3102)


@dataclass(frozen=True)
class Action:
    """One update to send: `kind` says what answer the bot owes."""

    kind: str  # "message" (a reply), "press" (a callback answer), "silent" (nothing owed)
    label: str
    send: Callable[[BotApiEmulator, EmulatedUser], object]


unicode_text = st.text(max_size=300)
long_text = st.one_of(
    st.just("长" * 4096),
    st.text(min_size=4000, max_size=4096),
    st.just("x" * 4096),
)
blank_text = st.sampled_from(["", " ", "\n\n", "\u200b", "\t"])
separator = st.sampled_from([" ", "\n", "  ", "@study_coach_bot ", "@some_other_bot "])


@st.composite
def command_text(draw: st.DrawFn) -> str:
    """A known or unknown command with garbage after it, sometimes at full length."""
    name = draw(
        st.one_of(st.sampled_from(ALL_COMMANDS), st.from_regex(r"[a-z_]{1,20}", fullmatch=True))
    )
    garbage = draw(
        st.one_of(unicode_text, st.from_regex(r"[-+]?\d{0,8}[.,:]?\w{0,5}", fullmatch=True))
    )
    return f"/{name}{draw(separator)}{garbage}"[:4096]


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    """Data a tampered client might send: near-misses of ours and noise (1-64 bytes)."""
    data = draw(
        st.one_of(
            st.from_regex(
                r"(blk:(done|cancel)|rwd|fgt:yes|fgt|lang|blk):[-\w:.]{0,24}", fullmatch=True
            ),
            st.text(min_size=1, max_size=64),
        )
    )
    encoded = data.encode()[:64].decode(errors="ignore")
    return encoded or "x"


def _text_action(text: str) -> Action:
    return Action("message", f"text {text[:40]!r}", lambda _e, u: u.send_text(text))


def _document_action(data: bytes, name: str, mime: str) -> Action:
    return Action(
        "message",
        f"document {name!r} {mime}",
        lambda _e, u: u.send_document(data, name, mime),
    )


def _photo_action(data: bytes) -> Action:
    return Action("message", f"photo of {len(data)} bytes", lambda _e, u: u.send_photo(data))


def _press_action(data: str) -> Action:
    def press(_emulator: BotApiEmulator, user: EmulatedUser) -> object:
        return user.press_data(user.messages[0], data)

    return Action("press", f"press {data!r}", press)


def _content_action(label: str, make: Callable[[], dict[str, Any]]) -> Action:
    return Action("message", label, lambda _e, u: u.send_content(make()))


def _silent(label: str, make: Callable[[BotApiEmulator, EmulatedUser], object]) -> Action:
    return Action("silent", label, make)


def _edited(_emulator: BotApiEmulator, user: EmulatedUser) -> object:
    original = user.send_text("/note before the edit")
    return user.edit_text(original, "/block 5 after the edit")


actions = st.one_of(
    unicode_text.map(_text_action),
    long_text.map(_text_action),
    blank_text.map(_text_action),
    command_text().map(_text_action),
    callback_data().map(_press_action),
    st.builds(
        _document_action,
        st.binary(max_size=2048),
        st.sampled_from(["plan.md", "photo.png", "notes.pdf", "../../etc/passwd", "名字.txt", "a"]),
        st.sampled_from(["image/png", "application/pdf", "text/markdown", "application/zip"]),
    ),
    st.binary(max_size=1024).map(_photo_action),
    st.sampled_from(
        [
            _content_action("sticker", corpus.sticker),
            _content_action("voice", corpus.voice),
            _content_action("location", corpus.location),
            _content_action("contact", corpus.contact),
        ]
    ),
    st.sampled_from(
        [
            _silent("channel post", lambda e, _u: e.inject_update(corpus.channel_post("/block 5"))),
            _silent("blocked the bot", lambda e, u: e.inject_update(corpus.my_chat_member(u))),
            _silent(
                "reaction",
                lambda e, u: e.inject_update(corpus.reaction(u, u.messages[0].message_id)),
            ),
        ]
    ),
)


@pytest.fixture
def bot_overrides() -> dict[str, Any]:
    # Real-time clock: no block ends during the run, so every message is a reply.
    return {"COACH_CLOCK_SPEED": 1.0}


@pytest.fixture
async def learners(bot: RunningBot, emulator: BotApiEmulator) -> list[EmulatedUser]:
    users = []
    for user_id in USER_IDS:
        user = emulator.user(user_id, first_name=f"Fuzz{user_id}")
        user.send_text("/start")
        await user.next_message(timeout=15)
        users.append(user)
    return users


async def _send_and_settle(
    emulator: BotApiEmulator, user: EmulatedUser, action: Action
) -> tuple[list[str], int]:
    """Send one update; once the bot handled it, what it sent the user in answer."""
    messages, answers = len(user.messages), len(user.callback_answers)
    # Edited messages send one ordinary message first; it owes a reply too.
    action.send(emulator, user)
    await eventually(lambda: emulator.pending_updates() == [], within=20)
    # Fetched updates are confirmed before they are handled (the bot keeps them in its
    # inbox), so wait for the answer itself; updates that owe none get a moment to settle.
    with contextlib.suppress(TimeoutError):
        if action.kind == "message":
            await eventually(lambda: len(user.messages) > messages, within=20)
        elif action.kind == "press":
            await eventually(lambda: len(user.callback_answers) > answers, within=20)
    if action.kind == "silent":
        await asyncio.sleep(0.3)
    new = [m.text or m.caption or m.file_name or "" for m in user.messages[messages:]]
    return new, len(user.callback_answers) - answers


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(range(len(USER_IDS))), actions), min_size=1, max_size=4
    )
)
async def test_every_request_is_answered_and_nothing_fails_unhandled(
    steps: list[tuple[int, Action]],
    learners: list[EmulatedUser],
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen_records = len(caplog.records)
    for index, action in steps:
        user = learners[index]
        replies, answers = await _send_and_settle(emulator, user, action)
        assert not APOLOGIES & set(replies), f"{action.label} hit an unexpected error"
        if action.kind == "message":
            assert replies and all(replies), f"{action.label} got no reply"
        elif action.kind == "press":
            assert answers == 1, f"{action.label} got {answers} callback answers"
        if action.label == "blocked the bot":
            user.send_text("/help")  # unblocking happens by writing again
            await eventually(lambda: emulator.pending_updates() == [], within=20)
    failures = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records[seen_records:]
        if record.levelno >= logging.ERROR
    ]
    assert failures == []
    assert emulator.violations == []


async def test_edited_messages_are_not_new_requests(
    learners: list[EmulatedUser], emulator: BotApiEmulator
) -> None:
    user = learners[0]
    replies, _ = await _send_and_settle(emulator, user, _silent("edited", _edited))
    # Only the original /note was answered; the edit to "/block 5" started nothing.
    assert len(replies) == 1 and "今日记录" in replies[0]
