"""The aiohttp application: Bot API routing, validation, fault injection and file downloads."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from emulator.errors import ApiError, bad_request, default_description
from emulator.faults import Fault, FaultPlan
from emulator.methods import HANDLERS, Call
from emulator.params import RequestBodyError, UploadedFile, decode_params, read_request
from emulator.ratelimit import SlidingWindowLimit, counts_as_message
from emulator.state import EmulatorState

logger = logging.getLogger(__name__)

# Bots may upload up to 50 MB; leave room for multipart overhead.
MAX_REQUEST_BYTES = 60 * 1024 * 1024


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


def _error(error: ApiError) -> web.Response:
    return _json(error.payload(), status=error.status)


class ApiServer:
    """Turns HTTP requests into validated method calls against the emulator state."""

    def __init__(self, state: EmulatorState, faults: FaultPlan) -> None:
        self._state = state
        self._faults = faults
        #: When set, message-sending calls beyond the limit get 429 with a retry_after.
        self.rate_limit: SlidingWindowLimit | None = None

    def build_app(self) -> web.Application:
        """The aiohttp application serving /bot<token>/<method> and /file/bot<token>/<path>."""
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        return app

    async def handle_method(self, request: web.Request) -> web.StreamResponse:
        """One Bot API call."""
        state = self._state
        if request.match_info["token"] != state.token:
            return _error(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        method = state.schema.canonical_method(name) or name
        fields = state.schema.method_fields(method)
        try:
            raw, attachments = await read_request(request, fields.keys())
        except RequestBodyError as exc:
            return _error(bad_request(str(exc)))
        params = decode_params(raw, {key: spec.types for key, spec in fields.items()})
        state.calls.append((method, params))
        state.violations.extend(state.schema.check_call(method, params, attachments.keys()))
        fault = self._faults.take(method)
        if fault is not None:
            response = await self._apply_fault(request, fault)
            if response is not None:
                return response
        if self.rate_limit is not None and counts_as_message(method):
            retry_after = self.rate_limit.admit()
            if retry_after is not None:
                return _error(ApiError(429, default_description(429, retry_after), retry_after))
        try:
            result = await self._dispatch(method, params, attachments)
        except ApiError as exc:
            return _error(exc)
        return _json({"ok": True, "result": result})

    async def _dispatch(
        self, method: str, params: dict[str, Any], attachments: dict[str, UploadedFile]
    ) -> Any:
        state = self._state
        if state.schema.canonical_method(method) is None:
            raise ApiError(404, "Not Found")
        missing = state.schema.missing_required(method, params)
        if missing:
            raise bad_request(f"{missing[0]} is empty")
        implementation = HANDLERS.get(method)
        if implementation is None:
            if state.schema.returns(method) == ("Boolean",):
                return True
            state.violations.append(f"{method}: not implemented by the emulator")
            raise bad_request(f"method {method} is not supported by the emulator")
        try:
            result = await implementation(state, Call(method, params, attachments))
        except ApiError:
            raise
        except Exception as exc:
            logger.exception("emulator failed in %s", method)
            state.violations.append(f"{method}: emulator error {exc!r}")
            raise ApiError(500, "Internal Server Error") from exc
        # Updates were validated when they were created; everything else is checked here.
        if method != "getUpdates":
            state.violations.extend(
                f"result of {method}: {err}" for err in state.schema.check_result(method, result)
            )
        return result

    @staticmethod
    async def _apply_fault(request: web.Request, fault: Fault) -> web.StreamResponse | None:
        """The faulty response, or None to continue normally after a pure delay."""
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            # The client sees the connection die without a response.
            raise asyncio.CancelledError
        if fault.status == 0:
            return None
        retry_after = (fault.retry_after or 1) if fault.status == 429 else None
        description = fault.description or default_description(fault.status, retry_after)
        return _error(ApiError(fault.status, description, retry_after))

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """A file download, as from api.telegram.org/file/bot<token>/<file_path>."""
        stored = None
        if request.match_info["token"] == self._state.token:
            stored = self._state.files.by_path(request.match_info["path"])
        if stored is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
