"""A local OpenAI-compatible chat completions server for tests: scripted replies and failures.

The bot talks to it with the real `openai` client over HTTP, exactly as it would talk to
Ollama, vLLM or a hosted API.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Step:
    """What the server does with one request."""

    kind: str  # reply | status | hang
    text: str = ""
    status: int = 200
    seconds: float = 0.0


class StubLlm:
    """POST /v1/chat/completions answers from a script; every request is kept for assertions."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._script: deque[Step] = deque()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.received = asyncio.Event()

    def reply(self, text: str) -> None:
        """Answer the next request with this assistant message."""
        self._script.append(Step("reply", text))

    def fail(self, status: int = 500) -> None:
        """Answer the next request with an HTTP error."""
        self._script.append(Step("status", status=status))

    def hang(self, seconds: float, text: str = "too late") -> None:
        """Answer the next request only after `seconds`."""
        self._script.append(Step("hang", text, seconds=seconds))

    async def start(self) -> str:
        """Serve on a free loopback port; returns the base URL (ending in /v1)."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    def messages(self, index: int = -1) -> list[dict[str, str]]:
        """The chat messages of a recorded request."""
        return list(self.requests[index]["messages"])

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.received.set()
        step = self._script.popleft() if self._script else Step("reply", "(no scripted reply)")
        if step.kind == "status":
            return web.json_response(
                {"error": {"message": "stub failure", "type": "server_error"}}, status=step.status
            )
        if step.kind == "hang":
            await asyncio.sleep(step.seconds)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "stub"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": step.text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )
