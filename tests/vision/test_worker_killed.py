"""The vision worker killed in the middle of a request, as a real process (`python -m worker`).

The learner whose photo was in flight gets a clear reply, the exchange is stored as failed,
the bot keeps serving, and once the worker is back the next photo is answered.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from emulator import BotApiEmulator
from tests.support.network import free_port
from tests.support.processes import ROOT
from tests.support.running_bot import running_bot
from tests.support.vision import CLIP_NAME, RGB, WAIT, Checkpoints, exchanges, photo, ranking, send


class WorkerProcess:
    """`python -m worker` serving the trained colour CLIP on a fixed port."""

    def __init__(self, models: Checkpoints, port: int, log_path: Path) -> None:
        self.models = models
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process and wait until /health answers."""
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        command = ["-m", "worker", "--clip-model", str(self.models.trained_clip)]
        command += ["--clip-name", CLIP_NAME, "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *command, cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 120
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start:\n{self.log()}")
                try:
                    async with http.get(f"{self.url}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)

    def freeze(self) -> None:
        """SIGSTOP: the process holds its connections but answers nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    async def kill(self) -> None:
        """SIGKILL: the connections it held are torn down unanswered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    def log(self) -> str:
        """What the worker wrote."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _unread_bytes(port: int) -> int:
    """Bytes waiting unread in the worker's established connections (its receive queues)."""
    unread = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            unread += int(fields[4].split(":")[1], 16)
    return unread


@pytest.fixture
async def worker_process(models: Checkpoints, tmp_path: Path) -> AsyncIterator[WorkerProcess]:
    """A worker child process; killed at the end whatever the test did to it."""
    worker = WorkerProcess(models, free_port(), tmp_path / "worker.log")
    await worker.start()
    try:
        yield worker
    finally:
        if worker.process is not None and worker.process.returncode is None:
            await worker.kill()


async def test_a_worker_killed_mid_request_gets_a_clear_reply_and_the_bot_serves_on(
    emulator: BotApiEmulator, worker_process: WorkerProcess, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    async with running_bot(database_url, emulator.base_url, VISION_URL=worker_process.url):
        await send(lin, photo("red"), RGB)
        assert ranking(await lin.next_message(timeout=WAIT))[0] == "red", worker_process.log()

        # The request reaches the worker's socket (a kept-alive connection), then the
        # worker dies before answering it.
        worker_process.freeze()
        actions_before = len(emulator.calls_to("sendChatAction"))
        await send(lin, photo("blue"), RGB)
        deadline = time.monotonic() + WAIT
        while len(emulator.calls_to("sendChatAction")) == actions_before or not _unread_bytes(
            worker_process.port
        ):
            assert time.monotonic() < deadline, "the request never reached the worker"
            await asyncio.sleep(0.05)
        await worker_process.kill()
        failed = await lin.next_message(timeout=WAIT)
        assert "连不上图片模型服务" in (failed.text or "")

        lin.send_text("/status")
        assert "连续达标" in ((await lin.next_message(timeout=WAIT)).text or "")

        await worker_process.start()
        await send(lin, photo("green"), RGB)
        assert ranking(await lin.next_message(timeout=WAIT))[0] == "green"
        await lin.no_message(within=1.0)

    rows = await exchanges(database_url)
    assert [(row.status, row.error) for row in rows] == [
        ("answered", None),
        ("failed", "unavailable"),
        ("answered", None),
    ]
    assert all(row.replied_at is not None for row in rows)
