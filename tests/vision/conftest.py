"""Fixtures of the photo feature: tiny checkpoints built once per run, the real worker served
by uvicorn on a free loopback port, and stand-in servers for external APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web

from tests.support import checkpoints
from tests.support.vision import (
    CLIP_NAME,
    VLM_NAME,
    Checkpoints,
    StubChatServer,
    WorkerServer,
    serve_worker,
)
from worker.config import WorkerConfig


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> Checkpoints:
    """The trained colour CLIP, a random-weight CLIP and a random-weight LLaVA."""
    root = tmp_path_factory.mktemp("models")
    return Checkpoints(
        trained_clip=checkpoints.trained_colour_clip(root / "trained-clip"),
        random_clip=checkpoints.random_clip(root / "random-clip"),
        vlm=checkpoints.tiny_vlm(root / "tiny-llava"),
    )


@pytest.fixture(scope="session")
def vision_worker(models: Checkpoints) -> Iterator[WorkerServer]:
    """The worker with the trained colour CLIP and the tiny LLaVA, for the whole run."""
    config = WorkerConfig(
        clip_model=str(models.trained_clip),
        vlm_model=str(models.vlm),
        clip_name=CLIP_NAME,
        vlm_name=VLM_NAME,
        max_new_tokens=24,
    )
    with serve_worker(config) as server:
        yield server


@pytest.fixture
async def stub_server() -> AsyncIterator[StubChatServer]:
    """A stand-in OpenAI-compatible server on a free loopback port."""
    stub = StubChatServer()
    runner = web.AppRunner(stub.app(), shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stub.url = f"http://127.0.0.1:{port}"
    try:
        yield stub
    finally:
        stub.released.set()
        await runner.cleanup()
