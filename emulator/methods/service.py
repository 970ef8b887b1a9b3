"""Bot-level methods: identity, updates, webhook, callback answers, files, commands, chats."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.errors import ApiError, bad_request
from emulator.methods.registry import Call, handler
from emulator.state import EmulatorState
from emulator.webhook import WebhookTarget

MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_ALERT_TEXT = 200
MAX_COMMANDS = 100
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@handler("getMe")
async def get_me(state: EmulatorState, call: Call) -> dict[str, Any]:
    """getMe: the bot's User with its capability flags."""
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@handler("getUpdates")
async def get_updates(state: EmulatorState, call: Call) -> list[dict[str, Any]]:
    """getUpdates with offset confirmation and long polling."""
    if state.webhook_url:
        raise ApiError(409, WEBHOOK_CONFLICT)
    params = call.params
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        state.updates.set_allowed([str(kind) for kind in allowed])
    offset = params.get("offset")
    limit = params.get("limit")
    timeout = params.get("timeout")
    return await state.updates.get(
        offset if isinstance(offset, int) else None,
        limit if isinstance(limit, int) else 100,
        float(timeout) if isinstance(timeout, int | float) else 0.0,
    )


@handler("deleteWebhook")
async def delete_webhook(state: EmulatorState, call: Call) -> bool:
    """deleteWebhook: stop pushing updates (getUpdates works again), optionally dropping them."""
    await state.set_webhook(None)
    if call.params.get("drop_pending_updates") is True:
        state.updates.drop_all()
    return True


@handler("setWebhook")
async def set_webhook(state: EmulatorState, call: Call) -> bool:
    """setWebhook: push every pending and future update to the URL until deleteWebhook."""
    params = call.params
    url = str(params.get("url") or "")
    if params.get("drop_pending_updates") is True:
        state.updates.drop_all()
    if not url:
        await state.set_webhook(None)
        return True
    if not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and not (isinstance(secret, str) and _SECRET_RE.fullmatch(secret)):
        raise bad_request("bad webhook: Secret token contains unallowed characters")
    connections = params.get("max_connections")
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        state.updates.set_allowed([str(kind) for kind in allowed])
    await state.set_webhook(
        WebhookTarget(
            url=url,
            secret_token=secret,
            max_connections=connections if isinstance(connections, int) else 40,
            allowed_updates=[str(kind) for kind in allowed] if isinstance(allowed, list) else None,
        )
    )
    return True


@handler("getWebhookInfo")
async def get_webhook_info(state: EmulatorState, call: Call) -> dict[str, Any]:
    """getWebhookInfo, with the last delivery error like Telegram reports it."""
    info: dict[str, Any] = {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending()),
    }
    if state.webhook is not None:
        target = state.webhook.target
        info["max_connections"] = target.max_connections
        if target.allowed_updates is not None:
            info["allowed_updates"] = target.allowed_updates
        if target.last_error_date is not None:
            info["last_error_date"] = target.last_error_date
            info["last_error_message"] = target.last_error_message
    return info


@handler("answerCallbackQuery")
async def answer_callback_query(state: EmulatorState, call: Call) -> bool:
    """answerCallbackQuery: each query can be answered once; recorded on the user handle."""
    query_id = call.params.get("callback_query_id")
    record = state.callbacks.get(query_id) if isinstance(query_id, str) else None
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = call.params.get("text")
    if isinstance(text, str) and len(text) > MAX_ALERT_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    user = state.users.get(record.user_id)
    if user is not None:
        user.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": call.params.get("show_alert") is True,
                "url": call.params.get("url"),
                "cache_time": call.params.get("cache_time"),
            }
        )
    return True


@handler("getFile")
async def get_file(state: EmulatorState, call: Call) -> dict[str, Any]:
    """getFile: File with a file_path served under /file/bot<token>/."""
    file_id = call.params.get("file_id")
    stored = state.files.get(file_id) if isinstance(file_id, str) else None
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.as_file()


def _commands_key(params: dict[str, Any]) -> str:
    # No scope means the default scope, so both spellings address the same command list.
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)


@handler("setMyCommands")
async def set_my_commands(state: EmulatorState, call: Call) -> bool:
    """setMyCommands with Telegram's command name and description rules."""
    commands = call.params.get("commands")
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse commands JSON object")
        name = command.get("command")
        if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_commands_key(call.params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@handler("getMyCommands")
async def get_my_commands(state: EmulatorState, call: Call) -> list[dict[str, Any]]:
    """getMyCommands for the given scope and language."""
    return list(state.commands.get(_commands_key(call.params), []))


@handler("deleteMyCommands")
async def delete_my_commands(state: EmulatorState, call: Call) -> bool:
    """deleteMyCommands for the given scope and language."""
    state.commands.pop(_commands_key(call.params), None)
    return True


@handler("getChat")
async def get_chat(state: EmulatorState, call: Call) -> dict[str, Any]:
    """getChat: ChatFullInfo of a private chat."""
    chat = state.chat_for(call.params.get("chat_id"))
    return {
        **chat.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


@handler("close")
async def close(state: EmulatorState, call: Call) -> bool:
    """close: nothing to release in the emulator."""
    return True


@handler("logOut")
async def log_out(state: EmulatorState, call: Call) -> bool:
    """logOut: nothing to release in the emulator."""
    return True
