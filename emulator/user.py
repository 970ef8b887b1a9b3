"""A simulated Telegram user in a private chat with the bot."""

from __future__ import annotations

import asyncio
import copy
from typing import TYPE_CHECKING, Any

from emulator.formatting import auto_entities
from emulator.models import SentMessage
from emulator.state import CallbackRecord, ChatState
from emulator.wakeup import Signal

if TYPE_CHECKING:
    from emulator.state import EmulatorState


class EmulatedUser:
    """Acts as a user towards the bot and records what the bot sends to their private chat."""

    def __init__(
        self,
        state: EmulatorState,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self._state = state
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        #: When True the bot's calls to this chat get 403 "bot was blocked by the user".
        self.blocked = False
        self.messages: list[SentMessage] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[str] = []
        self._cursor = 0
        self._signal = Signal()
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            chat["last_name"] = last_name
        if username:
            chat["username"] = username
        state.chats[user_id] = ChatState(chat)

    @property
    def user_object(self) -> dict[str, Any]:
        """The Bot API User object for this user."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value:
                user[key] = value
        return user

    @property
    def chat_id(self) -> int:
        """The private chat's id, which Telegram makes equal to the user id."""
        return self.id

    @property
    def chat(self) -> ChatState:
        """The private chat with the bot (chat id == user id)."""
        return self._state.chats[self.id]

    # Acting as the user

    def send_text(self, text: str) -> dict[str, Any]:
        """Send a text message; returns the queued Update."""
        content: dict[str, Any] = {"text": text}
        entities = auto_entities(text)
        if entities:
            content["entities"] = entities
        return self._state.queue_update({"message": self._new_message(content)})

    def send_photo(
        self, data: bytes, caption: str | None = None, media_group_id: str | None = None
    ) -> dict[str, Any]:
        """Send a photo (stored, several PhotoSize entries); returns the queued Update."""
        content: dict[str, Any] = {"photo": self._state.files.add_photo(data)}
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        self._add_caption(content, caption)
        return self._state.queue_update({"message": self._new_message(content)})

    def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a document; returns the queued Update."""
        stored = self._state.files.add_document(data, file_name, mime_type)
        content: dict[str, Any] = {"document": stored.as_document()}
        self._add_caption(content, caption)
        return self._state.queue_update({"message": self._new_message(content)})

    def send_content(self, content: dict[str, Any]) -> dict[str, Any]:
        """Send a message with any content fields, e.g. ``{"sticker": {...}}``; returns it.

        For message kinds without a helper (stickers, voice, locations, contacts); the
        update is checked against the schema like every other.
        """
        return self._state.queue_update({"message": self._new_message(dict(content))})

    def edit_text(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a text message this user sent earlier; returns the edited_message Update."""
        original = sent.get("message")
        if not isinstance(original, dict) or "text" not in original:
            raise ValueError("edit_text() needs an Update of a text message this user sent")
        edited = {**copy.deepcopy(original), "text": text, "edit_date": self._state.now()}
        edited.pop("entities", None)
        entities = auto_entities(text)
        if entities:
            edited["entities"] = entities
        return self._state.queue_update({"edited_message": edited})

    def press(self, message: SentMessage, button: str) -> dict[str, Any]:
        """Press an inline button by its text or callback_data; returns the queued Update."""
        # Buttons come from message.reply_markup and any chat's message may be pressed, so
        # tests can forge presses the way a modified client could.
        if message.deleted:
            raise ValueError(f"message #{message.message_id} was deleted; its buttons are gone")
        found = _find_button(message.reply_markup, button)
        if found is None:
            raise ValueError(
                f"no inline button {button!r} on {message.summary()}; buttons are {message.buttons}"
            )
        data = found.get("callback_data")
        if not isinstance(data, str):
            raise ValueError(f"button {found.get('text')!r} has no callback_data to send")
        return self.press_data(message, data)

    def press_data(self, message: SentMessage, data: str) -> dict[str, Any]:
        """Send a callback query with any `data` from `message`, as a modified client can.

        Telegram passes callback data through unchecked, so a bot must treat it as input.
        """
        if message.deleted:
            raise ValueError(f"message #{message.message_id} was deleted; its buttons are gone")
        query_id = str(4_000_000_000_000 + self._state.serial())
        self._state.callbacks[query_id] = CallbackRecord(user_id=self.id)
        query = {
            "id": query_id,
            "from": self.user_object,
            "message": copy.deepcopy(message.raw),
            "chat_instance": f"{message.chat_id}{self._state.bot_user['id']}",
            "data": data,
        }
        return self._state.queue_update({"callback_query": query})

    def answer_poll(self, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        """Vote in a non-anonymous poll the bot sent here ([] retracts); returns the Update."""
        poll = self._poll_to_answer(poll_id, option_ids)
        record = self._state.polls[poll_id]
        record.votes[self.id] = list(option_ids)
        options = poll["options"]
        for index, option in enumerate(options):
            option["voter_count"] = sum(index in votes for votes in record.votes.values())
        poll["total_voter_count"] = sum(1 for votes in record.votes.values() if votes)
        answer = {
            "poll_id": poll_id,
            "user": self.user_object,
            "option_ids": list(option_ids),
            "option_persistent_ids": [options[i]["persistent_id"] for i in option_ids],
        }
        return self._state.queue_update({"poll_answer": answer})

    def _poll_to_answer(self, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        record = self._state.polls.get(poll_id)
        if record is None or record.chat_id != self.id:
            raise ValueError(f"no poll {poll_id!r} was sent to user {self.id}")
        poll = self._state.chats[record.chat_id].sent[record.message_id].poll
        assert poll is not None
        if poll["is_closed"]:
            raise ValueError(f"poll {poll_id!r} is closed")
        if poll["is_anonymous"]:
            raise ValueError(f"poll {poll_id!r} is anonymous: Telegram sends no poll_answer")
        count = len(poll["options"])
        if any(not 0 <= i < count for i in option_ids) or len(set(option_ids)) != len(option_ids):
            raise ValueError(f"option_ids {option_ids} invalid for {count} options")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError(f"poll {poll_id!r} allows only one answer")
        if self.id in record.votes and not poll["allows_revoting"]:
            raise ValueError(f"poll {poll_id!r} does not allow changing the answer")
        if not option_ids and self.id not in record.votes:
            raise ValueError("an empty answer retracts a vote, but there is none")
        return poll

    def _new_message(self, content: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat
        message: dict[str, Any] = {
            "message_id": chat.allocate_id(),
            "from": self.user_object,
            "chat": dict(chat.chat),
            "date": self._state.now(),
            **content,
        }
        chat.messages[message["message_id"]] = message
        return message

    @staticmethod
    def _add_caption(content: dict[str, Any], caption: str | None) -> None:
        if caption:
            content["caption"] = caption
            entities = auto_entities(caption)
            if entities:
                content["caption_entities"] = entities

    # Observing the bot

    def receive(self, sent: SentMessage) -> None:
        """Called by the emulator when the bot sends a message to this chat."""
        self.messages.append(sent)
        self._signal.fire()

    # The spec'd signature takes a timeout, so ASYNC109's asyncio.timeout advice doesn't apply.
    async def next_message(self, timeout: float = 10.0) -> SentMessage:  # noqa: ASYNC109
        """The next bot message not yet returned by this method; waits up to timeout seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            event = self._signal.waiter()
            if self._cursor < len(self.messages):
                self._cursor += 1
                return self.messages[self._cursor - 1]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(self._timeout_report(timeout))
            await Signal.wait(event, remaining)

    async def no_message(self, within: float) -> None:
        """Assert that the bot sends nothing new to this chat within that many seconds."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            event = self._signal.waiter()
            if self._cursor < len(self.messages):
                unexpected = [m.summary() for m in self.messages[self._cursor :]]
                raise AssertionError(
                    f"user {self.id}: expected no new bot message within {within}s, "
                    f"got {unexpected}"
                )
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            await Signal.wait(event, remaining)

    def _timeout_report(self, timeout: float) -> str:
        lines = [
            f"user {self.id}: no new bot message within {timeout}s "
            f"({len(self.messages)} received, all consumed)."
        ]
        lines += [f"  received: {m.summary()}" for m in self.messages]
        recent = [method for method, _ in self._state.calls[-10:]]
        lines.append(f"  last bot calls: {recent}")
        pending = [u["update_id"] for u in self._state.updates.pending()]
        lines.append(f"  unconfirmed updates: {pending}")
        if self._state.violations:
            lines.append(f"  schema violations: {self._state.violations}")
        return "\n".join(lines)


def _find_button(markup: dict[str, Any] | None, wanted: str) -> dict[str, Any] | None:
    rows = (markup or {}).get("inline_keyboard") or []
    buttons = [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]
    for key in ("text", "callback_data"):
        for button in buttons:
            if button.get(key) == wanted:
                return button
    return None
