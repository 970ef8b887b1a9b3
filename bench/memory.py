"""Resident memory of the bot after start-up, against the bare echo bot, in one run.

    .venv/bin/python -m bench.memory [--starts 5] [--backend sqlite|postgresql] [--before DIR]

Each start is a fresh process (`python -m bot` with a fresh database, as
tests/support/processes.py starts it; `python -m bench.echo_bot` for the baseline) against a
fresh Bot API emulator. Once it polls, one learner sends /start and gets the reply (so the
database pool, the handler path and the HTTP client are all in use), the process settles for
a moment, and VmRSS is read from /proc. Starts alternate between the bots, so the machine's
load hits each alike; the medians are printed as a Markdown table. With `--before`, another
checkout's bot (e.g. an older commit) runs in each round too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.postgres import create_database, drop_database
from bench.throughput import ROOT, TOKEN, _environment, _machine, _proc_status, bot_process

SETTLE_SECONDS = 2.0
# The aim (issue 14): at most this much resident after start-up.
LIMIT_MIB = 100


@dataclass
class Sample:
    """One start of one bot."""

    bot: str
    backend: str
    rss_mib: float
    peak_mib: float
    start_seconds: float


async def measure(name: str, command: list[str], env: dict[str, str], checkout: Path) -> Sample:
    """Start the bot, wait until it answers /start, settle, read its resident memory."""
    started = time.perf_counter()  # includes the emulator's start: a few milliseconds
    async with bot_process(command, env, checkout) as (emulator, process):
        user = emulator.user(100_000, first_name="U")
        user.send_text("/start")
        await user.next_message(timeout=60)
        serving = time.perf_counter() - started
        await asyncio.sleep(SETTLE_SECONDS)
        rss = _proc_status(process.pid, "VmRSS")
        peak = _proc_status(process.pid, "VmHWM")
    return Sample(name, "", round(rss, 1), round(peak, 1), round(serving, 2))


async def measure_ours(name: str, checkout: Path, backend: str) -> Sample:
    """Our bot from `checkout`, with a fresh database."""
    admin_url = os.environ.get("COACH_TEST_POSTGRES_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        dropped: str | None = None
        if backend == "sqlite":
            database_url = f"sqlite:///{Path(folder) / 'memory.db'}"
        else:
            database_url, dropped = await create_database(admin_url)
        env = _environment(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=database_url)
        try:
            sample = await measure(name, [sys.executable, "-m", "bot"], env, checkout)
        finally:
            if dropped is not None:
                await drop_database(admin_url, dropped)
    sample.backend = backend
    return sample


async def run(starts: int, backend: str, before: Path | None) -> list[Sample]:
    """`starts` rounds: the echo bot, the before checkout (if any), our bot."""
    samples: list[Sample] = []
    for _ in range(starts):
        echo = await measure(
            "echo",
            [sys.executable, "-m", "bench.echo_bot"],
            _environment(TELEGRAM_BOT_TOKEN=TOKEN),
            ROOT,
        )
        echo.backend = backend
        round_samples = [echo]
        if before is not None:
            round_samples.append(await measure_ours("study coach (before)", before, backend))
        round_samples.append(await measure_ours("study coach", ROOT, backend))
        for sample in round_samples:
            print(json.dumps(asdict(sample)), flush=True)
        samples += round_samples
    return samples


def main() -> None:
    """Run and print a Markdown table of medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--before", type=Path, help="another checkout whose bot runs too")
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    if args.backend == "postgresql" and not os.environ.get("COACH_TEST_POSTGRES_URL"):
        parser.error("PostgreSQL needs COACH_TEST_POSTGRES_URL")
    samples = asyncio.run(run(args.starts, args.backend, args.before))
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {_machine()}")
    print(f"{args.backend}, medians of {args.starts} starts each, limit {LIMIT_MIB} MiB\n")
    print("| bot | RSS after start-up MiB (range) | peak MiB | ratio to echo | serving after s |")
    print("|---|---|---|---|---|")
    echo = statistics.median(s.rss_mib for s in samples if s.bot == "echo")
    for bot in ("echo", "study coach (before)", "study coach"):
        chosen = [s for s in samples if s.bot == bot]
        if not chosen:
            continue
        rss = [s.rss_mib for s in chosen]
        print(
            f"| {bot} | {statistics.median(rss):.1f} ({min(rss):.0f}–{max(rss):.0f}) | "
            f"{statistics.median(s.peak_mib for s in chosen):.1f} | "
            f"{statistics.median(rss) / echo:.2f} | "
            f"{statistics.median(s.start_seconds for s in chosen):.1f} |"
        )


if __name__ == "__main__":
    main()
