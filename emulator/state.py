"""Everything the emulated Telegram server remembers: chats, messages, files, queries, polls."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.errors import ApiError, bad_request
from emulator.files import FileStore
from emulator.models import SentMessage
from emulator.schema import BotApiSchema
from emulator.updates import UpdateQueue, update_type
from emulator.webhook import DeliveryAttempt, WebhookDelivery, WebhookPolicy, WebhookTarget

if TYPE_CHECKING:
    from emulator.user import EmulatedUser

logger = logging.getLogger(__name__)

BotMessageListener = Callable[[SentMessage, str], None]


@dataclass
class ChatState:
    """One private chat: its Chat object, message id counter and message history."""

    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: dict[int, SentMessage] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        """The chat's id."""
        return int(self.chat["id"])

    def allocate_id(self) -> int:
        """Next message id; ids are shared by user and bot messages, as in a real chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class CallbackRecord:
    """A callback query delivered to the bot and whether it was answered."""

    user_id: int
    answered: bool = False


@dataclass
class PollRecord:
    """A poll the bot sent, with the votes users cast."""

    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)


class EmulatorState:
    """Shared state of one emulator instance, used by HTTP handlers and user handles."""

    def __init__(
        self, token: str, bot_username: str, bot_first_name: str, schema: BotApiSchema
    ) -> None:
        self.token = token
        self.schema = schema
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, EmulatedUser] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.polls: dict[str, PollRecord] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: WebhookDelivery | None = None
        self.webhook_policy = WebhookPolicy()
        self.webhook_attempts: list[DeliveryAttempt] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[str] = []
        self.listeners: list[BotMessageListener] = []
        self._serial = 0

    @property
    def webhook_url(self) -> str:
        """The URL set with setWebhook, or '' while the bot polls."""
        return self.webhook.target.url if self.webhook is not None else ""

    async def set_webhook(self, target: WebhookTarget | None) -> None:
        """Switch to pushing updates to `target` (None: back to getUpdates)."""
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        if target is not None:
            target.attempts = self.webhook_attempts
            self.webhook = WebhookDelivery(self.updates, target, self.webhook_policy)
            self.webhook.start()

    @property
    def bot_username(self) -> str:
        """The bot's @username without the @."""
        return str(self.bot_user["username"])

    @staticmethod
    def now() -> int:
        """Current unix time, the unit of every Bot API date."""
        return int(time.time())

    def serial(self) -> int:
        """A fresh number for query and poll ids."""
        self._serial += 1
        return self._serial

    def chat_for(self, chat_id: Any) -> ChatState:
        """The chat a bot call addresses, refusing like Telegram for unknown or blocked ones."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        user = self.users.get(chat.chat_id)
        if user is not None and user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def queue_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Create an update (if allowed_updates permits), validating it against the schema."""
        update, _queued = self.updates.push(payload)
        label = f"update {update['update_id']} ({update_type(update)})"
        self.violations.extend(
            f"{label}: {err}" for err in self.schema.check_object("Update", update)
        )
        return update

    def add_bot_message(self, chat: ChatState, sent: SentMessage) -> None:
        """Record a message the bot sent and tell the user handle and listeners."""
        chat.messages[sent.message_id] = sent.raw
        chat.sent[sent.message_id] = sent
        user = self.users.get(chat.chat_id)
        if user is not None:
            user.receive(sent)
        self.emit(sent, "sent")

    def emit(self, sent: SentMessage, event: str) -> None:
        """Notify on_bot_message listeners; their failures must not break the bot's call."""
        for listener in list(self.listeners):
            try:
                listener(sent, event)
            except Exception:
                logger.exception("on_bot_message listener failed for %s", sent.summary())
