"""What the coach says, as data: text, buttons, a photo or a document.

Handlers and jobs return these; only the adapter (`jobs.telegram_out`) turns them into Bot API
calls, so the domain never imports `telegram`, and a reply can be stored (the reply outbox)
and sent later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """An inline button: its label and the callback data it sends back."""

    text: str
    data: str


# Rows of buttons.
Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(rows: Iterable[Iterable[Button]]) -> Keyboard:
    """Rows of buttons, as an immutable keyboard."""
    return tuple(tuple(row) for row in rows)


@dataclass(frozen=True)
class Attachment:
    """A photo or a document sent with the reply's text as its caption."""

    kind: str  # "photo" | "document"
    content: bytes
    filename: str


@dataclass(frozen=True)
class QuizPoll:
    """A native quiz poll (non-anonymous, so Telegram reports the answer)."""

    question: str
    options: tuple[str, ...]
    correct_option_ids: tuple[int, ...]
    explanation: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What to record once Telegram accepted a reply (its message id, a poll's id).

    `kind` names the feature that records it; `payload` is plain JSON-able data, so a reply
    can wait in the outbox and still be recorded when it is finally sent.
    """

    kind: str
    payload: dict[str, object]


@dataclass(frozen=True)
class Reply:
    """One message to the learner.

    `chat_id` None means the chat the update came from. `force_reply` asks Telegram to open
    a reply to this message (the recap prompt uses it).
    """

    text: str = ""
    keyboard: Keyboard | None = None
    attachment: Attachment | None = None
    chat_id: int | None = None
    force_reply: bool = False
    poll: QuizPoll | None = None
    receipt: Receipt | None = None

    @classmethod
    def photo(cls, content: bytes, filename: str, caption: str = "") -> Reply:
        """A photo with a caption."""
        return cls(caption, attachment=Attachment("photo", content, filename))

    @classmethod
    def document(cls, content: bytes, filename: str, caption: str = "") -> Reply:
        """A document with a caption."""
        return cls(caption, attachment=Attachment("document", content, filename))


@dataclass(frozen=True)
class Answer:
    """Everything a handler decided to say for one update.

    `toast` answers a button press (shown as a notification, or an alert when `alert`);
    `clear_buttons` removes the keyboard of the message whose button was pressed; `edit`
    replaces that message's text and keyboard.
    """

    replies: tuple[Reply, ...] = ()
    toast: str | None = None
    alert: bool = False
    clear_buttons: bool = False
    edit: Reply | None = None

    @classmethod
    def of(cls, *replies: Reply | str | None) -> Answer:
        """An answer of the given replies (plain strings become text replies; None is skipped)."""
        return cls(tuple(_as_reply(reply) for reply in replies if reply is not None))


def _as_reply(reply: Reply | str) -> Reply:
    return Reply(reply) if isinstance(reply, str) else reply


def replies_of(items: Sequence[Reply | str]) -> tuple[Reply, ...]:
    """Replies from a mix of replies and plain strings."""
    return tuple(_as_reply(item) for item in items)


class Refusal(Exception):
    """A request the coach turns down with a message the learner can act on.

    Raised anywhere in a use case or handler; the handler wrapper rolls the update's changes
    back and answers `t(language, key, **values)` in the learner's language.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def reply_to_json(reply: Reply) -> tuple[str, bytes | None]:
    """The reply as JSON (for the outbox), and its attachment's bytes kept apart."""
    attachment = reply.attachment
    data: dict[str, object] = {"text": reply.text}
    if reply.keyboard:
        data["keyboard"] = [[[b.text, b.data] for b in row] for row in reply.keyboard]
    if attachment is not None:
        data["attachment"] = {"kind": attachment.kind, "filename": attachment.filename}
    if reply.force_reply:
        data["force_reply"] = True
    if reply.poll is not None:
        poll = reply.poll
        data["poll"] = {
            "question": poll.question,
            "options": list(poll.options),
            "correct_option_ids": list(poll.correct_option_ids),
            "explanation": poll.explanation,
        }
    if reply.receipt is not None:
        data["receipt"] = {"kind": reply.receipt.kind, "payload": reply.receipt.payload}
    return json.dumps(data, ensure_ascii=False), attachment.content if attachment else None


def reply_from_json(payload: str, content: bytes | None, chat_id: int) -> Reply:
    """The reply `reply_to_json` stored, addressed to `chat_id`."""
    data = json.loads(payload)
    rows = data.get("keyboard")
    buttons = None
    if rows:
        buttons = keyboard([Button(text, value) for text, value in row] for row in rows)
    attachment = None
    if "attachment" in data:
        described = data["attachment"]
        attachment = Attachment(described["kind"], content or b"", described["filename"])
    poll = None
    if "poll" in data:
        stored = data["poll"]
        poll = QuizPoll(
            stored["question"],
            tuple(stored["options"]),
            tuple(stored["correct_option_ids"]),
            stored["explanation"],
        )
    receipt = None
    if "receipt" in data:
        receipt = Receipt(data["receipt"]["kind"], data["receipt"]["payload"])
    return Reply(
        data["text"],
        keyboard=buttons,
        attachment=attachment,
        chat_id=chat_id,
        force_reply=bool(data.get("force_reply")),
        poll=poll,
        receipt=receipt,
    )
