"""What tests see of the bot's messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """A message the bot sent to a chat; edits and deletion update this same object."""

    # text/caption are as the user sees them (parse_mode markup rendered away);
    # source_text is the text or caption exactly as the bot sent it.

    message_id: int
    chat_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    document: bytes | None = field(default=None, repr=False)
    file_name: str | None = None
    photo: bytes | None = field(default=None, repr=False)
    poll: dict[str, Any] | None = None
    edits: int = 0
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    source_text: str | None = None
    mime_type: str | None = None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """Inline buttons as (text, callback_data), row by row; '' for non-callback buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            (str(button.get("text", "")), str(button.get("callback_data") or ""))
            for row in rows
            if isinstance(row, list)
            for button in row
            if isinstance(button, dict)
        ]

    def summary(self) -> str:
        """One line describing the message, for logs and assertion errors."""
        if self.poll is not None:
            body = f"poll {self.poll.get('question')!r}"
        elif self.method == "sendDocument":
            body = f"document {self.file_name!r} caption={self.caption!r}"
        elif self.method == "sendPhoto":
            body = f"photo caption={self.caption!r}"
        else:
            body = repr(self.text)
        flags = []
        if self.buttons:
            flags.append(f"buttons={[text for text, _ in self.buttons]}")
        if self.edits:
            flags.append(f"edits={self.edits}")
        if self.deleted:
            flags.append("deleted")
        extra = f" ({', '.join(flags)})" if flags else ""
        return f"#{self.message_id} {self.method}: {body}{extra}"
