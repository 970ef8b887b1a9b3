"""The photo feature's test helpers: the real vision worker served in a thread, a stand-in
OpenAI-compatible server, and photos sent and their stored exchanges read back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Tiny checkpoints are built locally: never reach for the Hugging Face Hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aiohttp import web
from sqlalchemy import select

from db.database import Database
from db.models import VisionExchange
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.checkpoints import COLOURS, colour_image, png_bytes
from worker.app import create_app
from worker.config import WorkerConfig
from worker.runtime import Runtime

CLIP_NAME = "colour-clip"
VLM_NAME = "tiny-llava"
RGB = "red | green | blue"
# Replies wait for a model; a loaded machine may be slow.
WAIT = 30.0


@dataclass(frozen=True)
class Checkpoints:
    """Directories of the tiny models."""

    trained_clip: Path
    random_clip: Path
    vlm: Path


class WorkerServer:
    """The worker app served by uvicorn in a thread of its own (its own event loop)."""

    def __init__(self, config: WorkerConfig) -> None:
        import uvicorn

        self.app = create_app(config)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> WorkerServer:
        """Start serving; return once the models are loaded and the port answers."""
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Shut down and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._sock.close()

    @property
    def runtime(self) -> Runtime:
        """The loaded models and their counters."""
        runtime: Runtime = self.app.state.runtime
        return runtime

    def zero_shot_requests(self) -> int:
        """Zero-shot images the worker has run through CLIP."""
        engine = self.runtime.zero_shot_engine
        assert engine is not None
        return engine.batcher.stats.requests

    def chat_requests(self) -> int:
        """Chat completions the worker has generated."""
        engine = self.runtime.chat_engine
        assert engine is not None
        return engine.batcher.stats.requests


@contextlib.contextmanager
def serve_worker(config: WorkerConfig) -> Iterator[WorkerServer]:
    """A worker for the duration of the block."""
    server = WorkerServer(config).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class StubChatServer:
    """A stand-in OpenAI-compatible server (like vLLM or Ollama): records what it is asked."""

    answer: str = "Stub says: a red square on a plain background."
    model: str = "llava:7b"
    # Seconds to wait before answering a zero-shot request (to play a hung worker).
    zero_shot_delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        """The routes."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/zero-shot", self._zero_shot)
        return app

    async def _models(self, request: web.Request) -> web.Response:
        cards = [
            {"id": self.model, "object": "model", "created": 0, "owned_by": "stub"},
            {
                "id": "hung-clip",
                "object": "model",
                "created": 0,
                "owned_by": "stub",
                "task": "zero-shot-image-classification",
            },
        ]
        return web.json_response({"object": "list", "data": cards})

    async def _chat(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        return web.json_response(
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": self.answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 9, "total_tokens": 19},
            }
        )

    async def _zero_shot(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.released.wait(), self.zero_shot_delay)
        return web.json_response({"model": "hung-clip", "template": "{}", "scores": []})


def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def photo(colour: str) -> bytes:
    """A solid-colour photo as the learner's phone would send it (JPEG)."""
    return png_bytes(colour_image(COLOURS[colour], (96, 72)), "JPEG")


def ranking(reply: SentMessage) -> list[str]:
    """The labels of a CLIP ranking reply, best first."""
    return re.findall(r"^\d+\. (.+?) — [\d.]+%$", reply.text or "", flags=re.MULTILINE)


def replied_to(reply: SentMessage) -> int | None:
    """The message id the bot's reply quotes."""
    quoted = reply.raw.get("reply_to_message")
    return quoted["message_id"] if quoted else None


async def send(user: EmulatedUser, data: bytes, caption: str | None = None) -> int:
    """Send a photo; its message id."""
    update = user.send_photo(data, caption=caption)
    return int(update["message"]["message_id"])


async def exchanges(database_url: str) -> list[VisionExchange]:
    """Every stored exchange, oldest first."""
    database = Database(database_url)
    try:
        async with database.session() as session:
            rows = await session.scalars(select(VisionExchange).order_by(VisionExchange.id))
            return list(rows.all())
    finally:
        await database.dispose()
