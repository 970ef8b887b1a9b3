"""Methods that change or remove messages already in a chat."""

from __future__ import annotations

import copy
from typing import Any

from emulator.errors import bad_request
from emulator.methods.common import (
    NOT_MODIFIED,
    checked_markup,
    editable_message,
    inline_only,
    render_text,
    replace_raw,
)
from emulator.methods.registry import Call, handler
from emulator.state import EmulatorState

_MEDIA_METHODS = frozenset({"sendPhoto", "sendDocument"})


@handler("editMessageText")
async def edit_message_text(state: EmulatorState, call: Call) -> dict[str, Any]:
    """editMessageText; omitting reply_markup removes the inline keyboard, as on Telegram."""
    chat, sent = editable_message(state, call)
    if "text" not in sent.raw:
        raise bad_request("there is no text in the message to edit")
    source = call.params.get("text")
    text, entities = render_text(source, call.params.get("parse_mode"), call.params.get("entities"))
    markup = inline_only(checked_markup(call.params.get("reply_markup")))
    old = sent.raw
    if (
        old.get("text") == text
        and old.get("entities", []) == entities
        and old.get("reply_markup") == markup
    ):
        raise bad_request(NOT_MODIFIED)
    sent.text = text
    sent.source_text = source
    sent.parse_mode = call.params.get("parse_mode")
    sent.reply_markup = markup
    changes = {"text": text, "entities": entities or None, "reply_markup": markup}
    return replace_raw(state, chat, sent, changes)


@handler("editMessageCaption")
async def edit_message_caption(state: EmulatorState, call: Call) -> dict[str, Any]:
    """editMessageCaption on a photo or document the bot sent."""
    chat, sent = editable_message(state, call)
    if sent.method not in _MEDIA_METHODS:
        raise bad_request("there is no caption in the message to edit")
    source = call.params.get("caption")
    caption: str | None = None
    entities: list[dict[str, Any]] = []
    if isinstance(source, str) and source:
        caption, entities = render_text(
            source,
            call.params.get("parse_mode"),
            call.params.get("caption_entities"),
            caption=True,
        )
    markup = inline_only(checked_markup(call.params.get("reply_markup")))
    old = sent.raw
    if (
        old.get("caption") == caption
        and old.get("caption_entities", []) == entities
        and old.get("reply_markup") == markup
    ):
        raise bad_request(NOT_MODIFIED)
    sent.caption = caption
    sent.source_text = source if isinstance(source, str) else None
    sent.parse_mode = call.params.get("parse_mode")
    sent.reply_markup = markup
    changes = {"caption": caption, "caption_entities": entities or None, "reply_markup": markup}
    return replace_raw(state, chat, sent, changes)


@handler("editMessageReplyMarkup")
async def edit_message_reply_markup(state: EmulatorState, call: Call) -> dict[str, Any]:
    """editMessageReplyMarkup; no reply_markup removes the inline keyboard."""
    chat, sent = editable_message(state, call)
    markup = inline_only(checked_markup(call.params.get("reply_markup")))
    if sent.raw.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    sent.reply_markup = markup
    return replace_raw(state, chat, sent, {"reply_markup": markup})


@handler("deleteMessage")
async def delete_message(state: EmulatorState, call: Call) -> bool:
    """deleteMessage for bot messages and incoming user messages alike."""
    chat = state.chat_for(call.params.get("chat_id"))
    message_id = call.params.get("message_id")
    if not isinstance(message_id, int) or chat.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    sent = chat.sent.get(message_id)
    if sent is not None:
        sent.deleted = True
        state.emit(sent, "deleted")
    return True


@handler("stopPoll")
async def stop_poll(state: EmulatorState, call: Call) -> dict[str, Any]:
    """stopPoll: closes the poll and returns the final Poll."""
    chat = state.chat_for(call.params.get("chat_id"))
    message_id = call.params.get("message_id")
    sent = chat.sent.get(message_id) if isinstance(message_id, int) else None
    if sent is None or sent.deleted or sent.poll is None:
        raise bad_request("message with poll to stop not found")
    if sent.poll["is_closed"]:
        raise bad_request("poll has already been closed")
    sent.poll["is_closed"] = True
    markup = inline_only(checked_markup(call.params.get("reply_markup")))
    sent.reply_markup = markup
    if markup is not None:
        sent.raw["reply_markup"] = markup
    else:
        sent.raw.pop("reply_markup", None)
    state.emit(sent, "edited")
    return copy.deepcopy(sent.poll)
