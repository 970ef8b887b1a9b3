"""Update payloads of kinds no EmulatedUser helper makes: stickers, voice, reactions, …

Each is valid against the Bot API schema (the emulator checks), so the bot sees exactly
what Telegram would send.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from emulator import EmulatedUser

_serial = itertools.count(1)


def _unique() -> str:
    return f"AgAD{next(_serial):08d}"


def sticker() -> dict[str, Any]:
    """Message content: a regular sticker."""
    return {
        "sticker": {
            "file_id": f"CAACAgI{_unique()}",
            "file_unique_id": _unique(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    }


def voice() -> dict[str, Any]:
    """Message content: a voice note."""
    return {
        "voice": {
            "file_id": f"AwACAgI{_unique()}",
            "file_unique_id": _unique(),
            "duration": 3,
            "mime_type": "audio/ogg",
        }
    }


def location() -> dict[str, Any]:
    """Message content: a shared location."""
    return {"location": {"latitude": 31.23, "longitude": 121.47}}


def contact() -> dict[str, Any]:
    """Message content: a shared contact."""
    return {"contact": {"phone_number": "+8613800000000", "first_name": "Friend"}}


def my_chat_member(user: EmulatedUser, status: str = "kicked") -> dict[str, Any]:
    """The user blocked ("kicked") or unblocked ("member") the bot."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "Study Coach"}
    old, new = ("member", status) if status == "kicked" else ("kicked", status)

    def member(state: str) -> dict[str, Any]:
        body: dict[str, Any] = {"status": state, "user": bot}
        if state == "kicked":
            body["until_date"] = 0
        return body

    return {
        "my_chat_member": {
            "chat": dict(user.chat.chat),
            "from": user.user_object,
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
    }


def reaction(user: EmulatedUser, message_id: int, emoji: str = "👍") -> dict[str, Any]:
    """The user reacted to a message."""
    return {
        "message_reaction": {
            "chat": dict(user.chat.chat),
            "message_id": message_id,
            "user": user.user_object,
            "date": int(time.time()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": emoji}],
        }
    }


def channel_post(text: str) -> dict[str, Any]:
    """A post in a channel the bot was added to."""
    return {
        "channel_post": {
            "message_id": next(_serial),
            "date": int(time.time()),
            "chat": {"id": -1001234567890, "type": "channel", "title": "Study news"},
            "text": text,
        }
    }


def poll_answer(user: EmulatedUser, poll_id: str = "5000000000", option: int = 0) -> dict[str, Any]:
    """An answer to a poll (possibly one the bot never sent: a forged one)."""
    return {
        "poll_answer": {
            "poll_id": poll_id,
            "user": user.user_object,
            "option_ids": [option],
            "option_persistent_ids": [f"opt{option}"],
        }
    }
