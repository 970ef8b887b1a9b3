"""The bot as a child process (`python -m bot`), as it runs in production."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.support.quiet_schedule import quiet_schedule

ROOT = Path(__file__).resolve().parents[2]


def bot_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any bot settings, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "COACH_", "DATABASE_URL", "LOG_LEVEL"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    if "COACH_CLOCK_START" not in settings:
        env.update(quiet_schedule())
    env.update(settings)
    return env


class BotProcess:
    """One `python -m bot` child with its own log file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process (it migrates, then serves)."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=ROOT, env=self.env, stdout=log, stderr=log
            )

    @property
    def pid(self) -> int:
        """The child's process id."""
        assert self.process is not None
        return self.process.pid

    async def kill(self) -> None:
        """SIGKILL: nothing is cleaned up or confirmed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM and wait for a clean exit (SIGKILL after 15 s)."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def log(self) -> str:
        """Everything the process wrote to stdout and stderr."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
