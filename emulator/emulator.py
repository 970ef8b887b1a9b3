"""BotApiEmulator: the public control interface of the emulated Telegram Bot API server."""

from __future__ import annotations

import socket
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from emulator.faults import Fault, FaultPlan
from emulator.ratelimit import SlidingWindowLimit
from emulator.schema import BotApiSchema
from emulator.server import ApiServer
from emulator.state import BotMessageListener, EmulatorState
from emulator.user import EmulatedUser
from emulator.webhook import DeliveryAttempt, WebhookPolicy

DEFAULT_TOKEN = "123456:TEST-TOKEN"
# Long polls are released at stop(); anything still running after this is cut off.
SHUTDOWN_TIMEOUT = 1.0


class BotApiEmulator:
    """A loopback Bot API server that a real PTB bot polls; tests drive users and inspect calls."""

    # Use it from the event loop it was started on: user handles and long polls share state.

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "study_coach_bot",
        *,
        bot_first_name: str = "Study Coach",
        schema_path: str | Path | None = None,
    ) -> None:
        self.schema = BotApiSchema.load(schema_path)
        self._state = EmulatorState(token, bot_username, bot_first_name, self.schema)
        self._faults = FaultPlan()
        self._server = ApiServer(self._state, self._faults)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # Lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving (port 0 picks a free port); returns base_url."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        self._state.updates.reopen()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        runner = web.AppRunner(
            self._server.build_app(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner
        if self._state.webhook is not None:
            self._state.webhook.start()
        bound_port = sock.getsockname()[1]
        shown_host = f"[{host}]" if family == socket.AF_INET6 else host
        self._base_url = f"http://{shown_host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Release pending long polls and stop serving; state is kept and start() may follow."""
        runner, self._runner = self._runner, None
        self._state.updates.close()
        if self._state.webhook is not None:
            await self._state.webhook.stop()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port``; the bot uses ``{base_url}/bot`` and ``{base_url}/file/bot``."""
        if self._base_url is None:
            raise RuntimeError("emulator not started")
        return self._base_url

    @property
    def token(self) -> str:
        """The only token the emulator accepts."""
        return self._state.token

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object (as in getMe, without capability flags)."""
        return dict(self._state.bot_user)

    # Users and observation

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> EmulatedUser:
        """The handle of a user with a private chat (chat id == user id); same id, same handle."""
        existing = self._state.users.get(user_id)
        if existing is not None:
            return existing
        created = EmulatedUser(self._state, user_id, first_name, last_name, username, language_code)
        self._state.users[user_id] = created
        return created

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every call the bot made, in order, as (method, decoded params)."""
        return self._state.calls

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Params of every call to one method, in order."""
        return [params for name, params in self._state.calls if name == method]

    @property
    def violations(self) -> list[str]:
        """Schema violations seen so far (calls, results and updates); tests assert it's empty."""
        return self._state.violations

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return self._state.updates.pending()

    def redeliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an already delivered update again (same update_id), e.g. after a bot crash."""
        if not isinstance(update.get("update_id"), int):
            raise ValueError("redeliver() needs an Update dict as returned by a user action")
        self._state.updates.requeue(update)
        return update

    def inject_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update built by the caller, e.g. ``{"edited_message": {...}}``.

        For update kinds no user action produces (channel posts, chat member changes,
        reactions, stickers); the update is numbered and checked against the schema like
        any other, so a malformed payload shows up in `violations`.
        """
        if len(payload) != 1 or "update_id" in payload:
            raise ValueError("inject_update() takes one update field, without update_id")
        return self._state.queue_update(dict(payload))

    # Webhook delivery (after the bot calls setWebhook)

    @property
    def webhook_url(self) -> str:
        """The URL the bot set with setWebhook ('' while it polls)."""
        return self._state.webhook_url

    @property
    def webhook_attempts(self) -> list[DeliveryAttempt]:
        """Every POST of an update to a webhook, in order, with its status or error."""
        return self._state.webhook_attempts

    @property
    def webhook_policy(self) -> WebhookPolicy:
        """Timeout and retry delays of webhook delivery; change them before setWebhook."""
        return self._state.webhook_policy

    def on_bot_message(self, callback: BotMessageListener) -> None:
        """Call callback(message, event) with event 'sent', 'edited' or 'deleted'."""
        self._state.listeners.append(callback)

    def download(self, file_id: str) -> bytes:
        """The bytes behind any file_id the emulator knows (KeyError otherwise)."""
        stored = self._state.files.get(file_id)
        if stored is None:
            raise KeyError(f"unknown file_id {file_id!r}")
        return stored.data

    # Faults

    def inject_fault(
        self,
        method: str | None,
        status: int,
        *,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        description: str | None = None,
        drop: bool = False,
    ) -> None:
        """Make the next `times` calls of `method` (None = any method) misbehave.

        - status >= 400: answer with that error after `delay` seconds and skip the method's
          effect; 429 carries ``parameters.retry_after`` (default 1), which PTB raises as
          RetryAfter. `description` overrides Telegram's usual text for the status.
        - status 0: wait `delay` seconds, then run the method and answer normally (a slow
          reply; if the client timed out meanwhile, the effect still happens, as on Telegram).
        - drop=True: wait `delay` seconds, then close the connection without any response and
          without running the method (PTB raises NetworkError). `status` is ignored.

        Faults are matched in injection order; the call is still recorded and validated.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        if not drop and status != 0 and not 400 <= status <= 599:
            raise ValueError("status must be 0 (delay only) or an HTTP error status 400-599")
        self._faults.add(Fault(method, status, retry_after, times, delay, description, drop))

    def clear_faults(self) -> None:
        """Forget faults that have not fired yet."""
        self._faults.clear()

    # Flood limit

    def enforce_rate_limit(self, per_second: int | None = 30, window: float = 1.0) -> None:
        """Refuse message-sending calls beyond `per_second` in any `window` seconds with 429.

        As Telegram does for a bot's overall flood limit: the refused call has no effect and
        its error carries ``retry_after`` (whole seconds until a slot frees). Calls that send
        no message (getUpdates, answerCallbackQuery, sendChatAction, edits) are not counted.
        None switches enforcement off.
        """
        if per_second is None:
            self._server.rate_limit = None
            return
        self._server.rate_limit = SlidingWindowLimit(round(per_second * window), window)

    @property
    def rate_limited(self) -> int:
        """How many calls the enforced flood limit refused with 429."""
        limit = self._server.rate_limit
        return limit.refused if limit is not None else 0
