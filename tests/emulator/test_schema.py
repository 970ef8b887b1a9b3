"""Unit tests for the Bot API schema checker and parameter decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator import BotApiSchema, UploadedFile, default_schema_path
from emulator.params import decode_params


@pytest.fixture(scope="module")
def schema() -> BotApiSchema:
    return BotApiSchema.load()


def keyboard(*buttons: dict[str, object]) -> dict[str, object]:
    return {"inline_keyboard": [list(buttons)]}


def test_schema_found_next_to_repository() -> None:
    path = default_schema_path()
    assert path.name == "api.json"
    assert path.is_file()
    assert BotApiSchema.load().version.startswith("Bot API")


def test_schema_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = {
        "version": "Bot API 0.0-test",
        "methods": {"ping": {"name": "ping", "returns": ["Boolean"], "fields": []}},
        "types": {},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(tiny))
    monkeypatch.setenv("TELEGRAM_API_SCHEMA", str(path))
    assert default_schema_path() == path
    loaded = BotApiSchema.load()
    assert loaded.version == "Bot API 0.0-test"
    assert loaded.check_call("ping", {}) == []


def test_valid_send_message(schema: BotApiSchema) -> None:
    params = {
        "chat_id": 1001,
        "text": "hi",
        "parse_mode": "HTML",
        "reply_markup": keyboard({"text": "Go", "callback_data": "go"}),
        "reply_parameters": {"message_id": 3},
    }
    assert schema.check_call("sendMessage", params) == []


def test_method_names_are_case_insensitive(schema: BotApiSchema) -> None:
    assert schema.canonical_method("SENDMESSAGE") == "sendMessage"
    assert schema.canonical_method("noSuchMethod") is None


def test_unknown_method(schema: BotApiSchema) -> None:
    assert schema.check_call("sendTelepathy", {}) == ["sendTelepathy: unknown Bot API method"]


def test_missing_required_parameter(schema: BotApiSchema) -> None:
    errors = schema.check_call("sendMessage", {"chat_id": 1})
    assert errors == ["sendMessage: missing required parameter 'text'"]
    assert schema.missing_required("sendMessage", {"chat_id": 1}) == ["text"]


def test_unknown_parameter(schema: BotApiSchema) -> None:
    errors = schema.check_call("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"})
    assert errors == ["sendMessage: unknown parameter 'colour'"]


def test_wrong_primitive_types(schema: BotApiSchema) -> None:
    errors = schema.check_call("sendMessage", {"chat_id": 1.5, "text": 7})
    assert any(e.startswith("sendMessage.chat_id: expected Integer or String") for e in errors)
    assert any(e.startswith("sendMessage.text: expected String, got int") for e in errors)
    # Booleans are not Integers even though Python says they are.
    assert schema.check_object("Integer", True) != []
    assert schema.check_object("Float", 3) == []


def test_nested_inline_keyboard_errors(schema: BotApiSchema) -> None:
    markup = keyboard({"text": "Go", "callback_data": 5, "colour": "red"}, {"callback_data": "x"})
    errors = schema.check_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    prefix = "sendMessage.reply_markup.inline_keyboard[0]"
    assert any(e.startswith(f"{prefix}[0].callback_data: expected String") for e in errors)
    assert any(e.startswith(f"{prefix}[0]: unknown field 'colour'") for e in errors)
    assert any(e.startswith(f"{prefix}[1]: missing required field 'text'") for e in errors)
    # The report names the union alternative it was judged against.
    assert all("checked as InlineKeyboardMarkup" in e for e in errors)


def test_keyboard_rows_must_be_arrays(schema: BotApiSchema) -> None:
    markup = {"inline_keyboard": [{"text": "Go", "callback_data": "go"}]}
    errors = schema.check_call("editMessageReplyMarkup", {"reply_markup": markup})
    assert errors and "expected Array of InlineKeyboardButton" in errors[0]


def test_other_reply_markup_alternatives(schema: BotApiSchema) -> None:
    for markup in (
        {"remove_keyboard": True},
        {"force_reply": True},
        {"keyboard": [[{"text": "A"}]], "resize_keyboard": True},
    ):
        assert (
            schema.check_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
            == []
        )


def test_message_object(schema: BotApiSchema) -> None:
    message = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 5, "type": "private", "first_name": "A"},
        "from": {"id": 5, "is_bot": False, "first_name": "A"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    assert schema.check_object("Message", message) == []
    broken = {**message, "chat": {"id": "5", "type": "private"}, "mood": "happy"}
    del broken["date"]
    errors = schema.check_object("Message", broken)
    assert "Message: missing required field 'date'" in errors
    assert "Message: unknown field 'mood'" in errors
    assert any(e.startswith("Message.chat.id: expected Integer, got str") for e in errors)


def test_array_of_updates(schema: BotApiSchema) -> None:
    good = [
        {
            "update_id": 1,
            "poll_answer": {"poll_id": "p", "option_ids": [0], "option_persistent_ids": ["a"]},
        }
    ]
    assert schema.check_object("Array of Update", good) == []
    bad = [{"update_id": 1, "poll_answer": {"poll_id": "p", "option_ids": [0]}}]
    assert schema.check_object("Array of Update", bad) == [
        "Array of Update[0].poll_answer: missing required field 'option_persistent_ids'"
    ]


def test_union_type_with_subtypes(schema: BotApiSchema) -> None:
    inaccessible = {"chat": {"id": 1, "type": "private"}, "message_id": 3, "date": 0}
    assert schema.check_object("MaybeInaccessibleMessage", inaccessible) == []
    assert schema.check_object("MaybeInaccessibleMessage", {"message_id": 3}) != []


def test_discriminated_union_uses_type_literal(schema: BotApiSchema) -> None:
    assert schema.check_object("BotCommandScope", {"type": "default"}) == []
    assert schema.check_object("BotCommandScope", {"type": "chat", "chat_id": 5}) == []
    # 'chat' scope without chat_id must not pass as BotCommandScopeDefault.
    errors = schema.check_object("BotCommandScope", {"type": "chat"})
    assert len(errors) == 1
    assert "missing required field 'chat_id' [checked as BotCommandScopeChat" in errors[0]
    assert schema.check_object("BotCommandScope", {"type": "everyone"}) != []


def test_input_file_and_attach_references(schema: BotApiSchema) -> None:
    upload = UploadedFile("document", "a.txt", "text/plain", b"abc")
    assert schema.check_call("sendDocument", {"chat_id": 1, "document": upload}) == []
    assert schema.check_call("sendDocument", {"chat_id": 1, "document": "FILE_ID"}) == []
    assert schema.check_call("sendDocument", {"chat_id": 1, "document": 12}) != []
    media = [
        {"type": "photo", "media": "attach://pic"},
        {"type": "photo", "media": "attach://pic2"},
    ]
    params = {"chat_id": 1, "media": media}
    errors = schema.check_call("sendMediaGroup", params, attachments={"pic"})
    assert len(errors) == 1 and "attach://pic2" in errors[0]


def test_check_result(schema: BotApiSchema) -> None:
    assert schema.check_result("deleteMessage", True) == []
    assert schema.check_result("editMessageText", True) == []
    assert schema.check_result("getMe", {"id": 1, "is_bot": True}) == [
        "result: missing required field 'first_name'"
    ]


def test_decode_form_parameters(schema: BotApiSchema) -> None:
    fields = {name: spec.types for name, spec in schema.method_fields("sendMessage").items()}
    raw = {
        "chat_id": "1001",
        "text": "123",
        "disable_notification": "true",
        "reply_markup": json.dumps(keyboard({"text": "Go", "callback_data": "go"})),
        "extra": "[1, 2]",
    }
    decoded = decode_params(raw, fields)
    assert decoded["chat_id"] == 1001
    assert decoded["text"] == "123"
    assert decoded["disable_notification"] is True
    assert decoded["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"
    assert decoded["extra"] == [1, 2]
    assert decode_params({"chat_id": "@channel"}, fields) == {"chat_id": "@channel"}
    # Undecodable values stay strings so the checker can report them.
    assert decode_params({"reply_markup": "{oops"}, fields) == {"reply_markup": "{oops"}


def test_the_bundled_schema_is_the_shared_reference() -> None:
    """The copy shipped in emulator/reference may not drift from ../shared's official schema."""
    from emulator.schema import BUNDLED_SCHEMA, SHARED_SCHEMA

    if not SHARED_SCHEMA.is_file():
        pytest.skip("no ../shared reference beside this checkout")
    assert BUNDLED_SCHEMA.read_bytes() == SHARED_SCHEMA.read_bytes()
