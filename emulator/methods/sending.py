"""Methods that send something to a chat: text, photo, document, poll, chat action."""

from __future__ import annotations

from typing import Any

from emulator.errors import bad_request
from emulator.files import StoredFile
from emulator.formatting import utf16_len
from emulator.methods.common import (
    add_caption,
    checked_markup,
    finish_send,
    new_bot_message,
    render_text,
)
from emulator.methods.registry import Call, handler
from emulator.models import SentMessage
from emulator.params import UploadedFile
from emulator.state import EmulatorState, PollRecord

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
POLL_OPTIONS_RANGE = (2, 12)
MAX_EXPLANATION = 200


@handler("sendMessage")
async def send_message(state: EmulatorState, call: Call) -> dict[str, Any]:
    """sendMessage."""
    chat = state.chat_for(call.params.get("chat_id"))
    source = call.params.get("text")
    parse_mode = call.params.get("parse_mode")
    text, entities = render_text(source, parse_mode, call.params.get("entities"))
    checked_markup(call.params.get("reply_markup"))
    message = new_bot_message(state, chat, call)
    message["text"] = text
    if entities:
        message["entities"] = entities
    sent = SentMessage(
        message_id=message["message_id"],
        chat_id=chat.chat_id,
        method=call.method,
        text=text,
        parse_mode=parse_mode,
        source_text=source,
    )
    return finish_send(state, chat, call, message, sent)


@handler("sendPhoto")
async def send_photo(state: EmulatorState, call: Call) -> dict[str, Any]:
    """sendPhoto: upload, reuse of a photo file_id, or an HTTP URL (no bytes fetched)."""
    chat = state.chat_for(call.params.get("chat_id"))
    checked_markup(call.params.get("reply_markup"))
    sizes, data = _photo_input(state, call.params.get("photo"))
    message = new_bot_message(state, chat, call)
    message["photo"] = sizes
    caption, source = add_caption(message, call)
    if call.params.get("has_spoiler") is True:
        message["has_media_spoiler"] = True
    sent = SentMessage(
        message_id=message["message_id"],
        chat_id=chat.chat_id,
        method=call.method,
        caption=caption,
        parse_mode=call.params.get("parse_mode"),
        photo=data,
        source_text=source,
    )
    return finish_send(state, chat, call, message, sent)


def _photo_input(state: EmulatorState, value: Any) -> tuple[list[dict[str, Any]], bytes | None]:
    if isinstance(value, UploadedFile):
        return state.files.add_photo(value.data), value.data
    stored = _stored_or_url(state, value)
    if stored is None:
        return state.files.add_photo(b""), None
    if stored.photo_sizes is None:
        raise bad_request("can't use file of type Document as Photo")
    return stored.photo_sizes, stored.data


@handler("sendDocument")
async def send_document(state: EmulatorState, call: Call) -> dict[str, Any]:
    """sendDocument: upload, reuse of a document file_id, or an HTTP URL (no bytes fetched)."""
    chat = state.chat_for(call.params.get("chat_id"))
    checked_markup(call.params.get("reply_markup"))
    stored = _document_input(state, call.params.get("document"))
    message = new_bot_message(state, chat, call)
    message["document"] = stored.as_document()
    caption, source = add_caption(message, call)
    sent = SentMessage(
        message_id=message["message_id"],
        chat_id=chat.chat_id,
        method=call.method,
        caption=caption,
        parse_mode=call.params.get("parse_mode"),
        document=stored.data,
        file_name=stored.file_name,
        mime_type=stored.mime_type,
        source_text=source,
    )
    return finish_send(state, chat, call, message, sent)


def _document_input(state: EmulatorState, value: Any) -> StoredFile:
    if isinstance(value, UploadedFile):
        return state.files.add_document(value.data, value.filename, value.content_type)
    stored = _stored_or_url(state, value)
    if stored is None:
        name = str(value).rstrip("/").rsplit("/", 1)[-1] or "file"
        return state.files.add_document(b"", name, None)
    if stored.photo_sizes is not None:
        raise bad_request("can't use file of type Photo as Document")
    return stored


def _stored_or_url(state: EmulatorState, value: Any) -> StoredFile | None:
    """A known file for a file_id string; None for an HTTP URL; refuses anything else."""
    if isinstance(value, str):
        stored = state.files.get(value)
        if stored is not None:
            return stored
        if value.startswith(("http://", "https://")):
            return None
    raise bad_request("wrong file identifier/HTTP URL specified")


@handler("sendPoll")
async def send_poll(state: EmulatorState, call: Call) -> dict[str, Any]:
    """sendPoll, regular or quiz (Bot API 10: correct_option_ids)."""
    chat = state.chat_for(call.params.get("chat_id"))
    checked_markup(call.params.get("reply_markup"))
    poll = _build_poll(state, call.params)
    message = new_bot_message(state, chat, call)
    message["poll"] = poll
    sent = SentMessage(
        message_id=message["message_id"], chat_id=chat.chat_id, method=call.method, poll=poll
    )
    state.polls[poll["id"]] = PollRecord(chat_id=chat.chat_id, message_id=sent.message_id)
    return finish_send(state, chat, call, message, sent)


def _build_poll(state: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    question, question_entities = render_text(
        params.get("question"), params.get("question_parse_mode"), params.get("question_entities")
    )
    if utf16_len(question) > MAX_POLL_QUESTION:
        raise bad_request("POLL_QUESTION_INVALID")
    options = _poll_options(params.get("options"))
    kind = params.get("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    quiz = kind == "quiz"
    multiple = params.get("allows_multiple_answers") is True
    poll: dict[str, Any] = {
        "id": str(5_000_000_000_000_000 + state.serial()),
        "question": question,
        "options": options,
        "total_voter_count": 0,
        "is_closed": params.get("is_closed") is True,
        "is_anonymous": params.get("is_anonymous") is not False,
        "type": kind,
        "allows_multiple_answers": multiple,
        "allows_revoting": bool(params.get("allows_revoting", not quiz)),
        "members_only": params.get("members_only") is True,
    }
    if question_entities:
        poll["question_entities"] = question_entities
    if quiz:
        poll["correct_option_ids"] = _correct_ids(params.get("correct_option_ids"), options)
        _add_explanation(poll, params)
    for key in ("open_period", "close_date", "country_codes"):
        if params.get(key) is not None:
            poll[key] = params[key]
    if isinstance(params.get("description"), str) and params["description"]:
        text, entities = render_text(
            params["description"],
            params.get("description_parse_mode"),
            params.get("description_entities"),
            caption=True,
        )
        poll["description"] = text
        if entities:
            poll["description_entities"] = entities
    return poll


def _poll_options(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse options JSON object")
    low, high = POLL_OPTIONS_RANGE
    if not low <= len(raw) <= high:
        raise bad_request(f"poll must have {low}-{high} options")
    options: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        entry = item if isinstance(item, dict) else {"text": item}
        text, entities = render_text(
            entry.get("text"), entry.get("text_parse_mode"), entry.get("text_entities")
        )
        if utf16_len(text) > MAX_POLL_OPTION:
            raise bad_request("POLL_OPTION_INVALID")
        option: dict[str, Any] = {"persistent_id": f"opt{index}", "text": text, "voter_count": 0}
        if entities:
            option["text_entities"] = entities
        options.append(option)
    return options


def _correct_ids(raw: Any, options: list[dict[str, Any]]) -> list[int]:
    if not isinstance(raw, list) or not raw:
        raise bad_request("quiz poll must have correct options specified")
    if not all(isinstance(i, int) and 0 <= i < len(options) for i in raw):
        raise bad_request("wrong correct option ID specified")
    if sorted(set(raw)) != raw:
        raise bad_request("correct option IDs must be monotonically increasing")
    return list(raw)


def _add_explanation(poll: dict[str, Any], params: dict[str, Any]) -> None:
    source = params.get("explanation")
    if not isinstance(source, str) or not source:
        return
    text, entities = render_text(
        source,
        params.get("explanation_parse_mode"),
        params.get("explanation_entities"),
        caption=True,
    )
    if utf16_len(text) > MAX_EXPLANATION:
        raise bad_request("explanation is too long")
    poll["explanation"] = text
    if entities:
        poll["explanation_entities"] = entities


@handler("sendChatAction")
async def send_chat_action(state: EmulatorState, call: Call) -> bool:
    """sendChatAction: recorded on the user handle."""
    chat = state.chat_for(call.params.get("chat_id"))
    action = call.params.get("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    user = state.users.get(chat.chat_id)
    if user is not None:
        user.chat_actions.append(str(action))
    return True
