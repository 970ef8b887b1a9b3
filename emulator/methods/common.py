"""Helpers shared by message-producing methods: chat lookup, text, markup, replies, edits."""

from __future__ import annotations

import copy
from typing import Any

from emulator.errors import bad_request
from emulator.formatting import ParseError, render, utf16_len
from emulator.methods.registry import Call
from emulator.models import SentMessage
from emulator.state import ChatState, EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# Exactly one of these makes an inline button do something; a bare text button is refused.
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def render_text(
    text: Any, parse_mode: Any, entities: Any, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities as Telegram stores them, refusing what Telegram refuses."""
    if not isinstance(text, str):
        raise bad_request("message text is empty")
    try:
        rendered, found = render(
            text,
            parse_mode if isinstance(parse_mode, str) else None,
            entities if isinstance(entities, list) else None,
        )
    except ParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    if caption:
        if utf16_len(rendered) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    else:
        if not rendered.strip():
            raise bad_request("message text is empty")
        if utf16_len(rendered) > MAX_TEXT:
            raise bad_request("message is too long")
    return rendered, found


def checked_markup(markup: Any) -> dict[str, Any] | None:
    """The reply_markup after Telegram's semantic checks on inline keyboards."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    if not any(key in button for key in BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of reply_markup a Message shows: only inline keyboards are echoed back."""
    if markup is not None and "inline_keyboard" in markup:
        return copy.deepcopy(markup)
    return None


def new_bot_message(state: EmulatorState, chat: ChatState, call: Call) -> dict[str, Any]:
    """A fresh Message from the bot, with reply and protection details; allocates the id."""
    reply = _reply_target(chat, call.params)
    message: dict[str, Any] = {
        "message_id": chat.allocate_id(),
        "from": dict(state.bot_user),
        "chat": dict(chat.chat),
        "date": state.now(),
    }
    if reply is not None:
        message["reply_to_message"] = reply
    if call.params.get("protect_content") is True:
        message["has_protected_content"] = True
    return message


def _reply_target(chat: ChatState, params: dict[str, Any]) -> dict[str, Any] | None:
    reply = params.get("reply_parameters")
    if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
        return None
    target = chat.messages.get(reply["message_id"])
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    # A replied-to message is embedded without its own reply chain, as Telegram does.
    return {k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"}


def finish_send(
    state: EmulatorState, chat: ChatState, call: Call, message: dict[str, Any], sent: SentMessage
) -> dict[str, Any]:
    """Attach markup, record the message and return it as the call's result."""
    markup = call.params.get("reply_markup")
    shown = inline_only(markup)
    if shown is not None:
        message["reply_markup"] = shown
    sent.reply_markup = copy.deepcopy(markup)
    sent.raw = message
    state.add_bot_message(chat, sent)
    return message


def add_caption(message: dict[str, Any], call: Call) -> tuple[str | None, str | None]:
    """Render a media caption into the message; returns (shown caption, caption as sent)."""
    source = call.params.get("caption")
    if not isinstance(source, str) or not source:
        return None, None
    caption, entities = render_text(
        source, call.params.get("parse_mode"), call.params.get("caption_entities"), caption=True
    )
    if caption:
        message["caption"] = caption
    if entities:
        message["caption_entities"] = entities
    return caption or None, source


def editable_message(state: EmulatorState, call: Call) -> tuple[ChatState, SentMessage]:
    """The bot message an edit* call targets, refusing like Telegram when it can't be edited."""
    params = call.params
    if params.get("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    if params.get("chat_id") is None or params.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    chat = state.chat_for(params["chat_id"])
    message_id = params["message_id"]
    if message_id not in chat.messages:
        raise bad_request("message to edit not found")
    sent = chat.sent.get(message_id)
    if sent is None:
        raise bad_request("message can't be edited")
    return chat, sent


def replace_raw(
    state: EmulatorState, chat: ChatState, sent: SentMessage, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply an edit: a new Message dict with changes (None removes a key) and an edit_date."""
    updated = {k: v for k, v in sent.raw.items() if k not in changes}
    updated.update({k: v for k, v in changes.items() if v is not None})
    updated["edit_date"] = state.now()
    sent.raw = updated
    sent.edits += 1
    chat.messages[sent.message_id] = updated
    state.emit(sent, "edited")
    return updated


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
