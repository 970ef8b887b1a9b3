"""Throughput of the bot against a bare echo bot, through the Bot API emulator, in one run.

    .venv/bin/python -m bench.throughput [--backend sqlite|postgresql|both] [--repeats 3]
        [--before [NAME=]DIR ...] [--only-ours]

500 users each send 10 updates (/status, /note text, and presses of an inline button),
5,000 in all, each user waiting for the reply before the next (500 requests in flight).
The same load goes to `python -m bot` (our bot, its own process, a fresh database) and to
`python -m bench.echo_bot` (python-telegram-bot's echo example, sequential as by default,
and with concurrent updates). Reported: updates per second and the ratio to each echo bot,
p50/p99 reply latency, the bot process's peak resident memory and CPU time per update.

Our bot runs with COACH_SEND_RATE=0: Telegram's 30 messages/s flood limit
is a property of Telegram, not of the bot, and would cap any bot at 30 updates/s here.
PostgreSQL needs COACH_TEST_POSTGRES_URL (a role that may create databases).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.postgres import create_database, drop_database
from emulator import BotApiEmulator, EmulatedUser

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:BENCH-token_for-the-emulator"
# Per user, in order: the mix of the issue (status, notes, button presses).
SCRIPT = ("status", "note", "press", "status", "note", "press", "status", "note", "status", "note")


@dataclass
class Result:
    """One bot under the load."""

    bot: str
    backend: str
    updates: int
    seconds: float
    updates_per_second: float
    p50_ms: float
    p99_ms: float
    peak_rss_mib: float
    cpu_ms_per_update: float


def _environment(**settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "COACH_", "DATABASE_URL", "LOG_LEVEL"))
    }
    env.update(PYTHONUNBUFFERED="1", **settings)
    return env


def _proc_status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return float(line.split()[1]) / 1024  # kB -> MiB
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


async def _reply(user: EmulatedUser) -> None:
    await user.next_message(timeout=120)


async def _learner(user: EmulatedUser, welcome: Any, latencies: list[float], tag: int) -> None:
    for step, kind in enumerate(SCRIPT):
        started = time.perf_counter()
        if kind == "status":
            user.send_text("/status")
        elif kind == "note":
            user.send_text(f"/note bench {tag}-{step}: attention is softmax(QK^T/sqrt(d))V")
        else:
            user.press(welcome, welcome.buttons[0][1])
        await _reply(user)
        latencies.append(time.perf_counter() - started)


async def _wait_polling(emulator: BotApiEmulator, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not emulator.calls_to("getUpdates"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not start (exit code {process.returncode})")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def bot_process(
    command: list[str], env: dict[str, str], checkout: Path = ROOT
) -> AsyncIterator[tuple[BotApiEmulator, subprocess.Popen[bytes]]]:
    """A fresh emulator and a bot child (from `checkout`) polling it; on failure the bot's
    log goes to stderr; afterwards both are stopped."""
    emulator = BotApiEmulator(token=TOKEN, bot_username="study_coach_bot")
    env = {**env, "TELEGRAM_API_URL": await emulator.start()}
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    # `python -m bot` from the checkout's directory runs that checkout's code.
    process = subprocess.Popen(command, cwd=checkout, env=env, stdout=log, stderr=log)  # noqa: ASYNC220
    try:
        await _wait_polling(emulator, process)
        yield emulator, process
    except BaseException:
        log.seek(0)
        sys.stderr.write(log.read().decode(errors="replace")[-4000:])
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        await emulator.stop()


async def run_once(
    name: str,
    command: list[str],
    env: dict[str, str],
    backend: str,
    users: int,
    checkout: Path = ROOT,
) -> Result:
    """Start a fresh emulator and bot (from `checkout`), warm up, then time the load."""
    async with bot_process(command, env, checkout) as (emulator, process):
        learners = [emulator.user(100_000 + i, first_name=f"U{i}") for i in range(users)]
        for user in learners:
            user.send_text("/start")
        welcomes = await asyncio.gather(*(user.next_message(timeout=120) for user in learners))
        cpu_before = _cpu_seconds(process.pid)
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _learner(user, welcome, latencies, index)
                for index, (user, welcome) in enumerate(zip(learners, welcomes, strict=True))
            )
        )
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds(process.pid) - cpu_before
        peak_rss = _proc_status(process.pid, "VmHWM")
        assert not emulator.violations, emulator.violations[:5]
    ordered = sorted(latencies)
    count = len(ordered)
    return Result(
        bot=name,
        backend=backend,
        updates=count,
        seconds=round(seconds, 2),
        updates_per_second=round(count / seconds, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 1),
        p99_ms=round(ordered[min(count - 1, int(count * 0.99))] * 1000, 1),
        peak_rss_mib=round(peak_rss, 1),
        cpu_ms_per_update=round(cpu / count * 1000, 2),
    )


async def bench_backend(
    backend: str,
    users: int,
    repeats: int,
    only_ours: bool = False,
    before: Sequence[tuple[str, Path]] = (),
) -> list[Result]:
    """Echo (sequential), echo (concurrent) and our bot, interleaved, `repeats` times.

    Each `before` (a name and another checkout of this repository) runs its bot in each
    round too, as "study coach (NAME)", for comparisons in the same conditions.
    """
    results: list[Result] = []
    for _ in range(repeats):
        for concurrent in () if only_ours else (False, True):
            command = [sys.executable, "-m", "bench.echo_bot"]
            name = "echo (concurrent)" if concurrent else "echo"
            if concurrent:
                command.append("--concurrent")
            env = _environment(TELEGRAM_BOT_TOKEN=TOKEN)
            results.append(await _run_and_print(name, command, env, backend, users))
        ours = [(f"study coach ({name})", checkout) for name, checkout in before]
        ours.append(("study coach", ROOT))
        for name, checkout in ours:
            results.append(await _run_ours(name, checkout, backend, users))
    return results


async def _run_ours(name: str, checkout: Path, backend: str, users: int) -> Result:
    admin_url = os.environ.get("COACH_TEST_POSTGRES_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        dropped: str | None = None
        if backend == "sqlite":
            database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        else:
            database_url, dropped = await create_database(admin_url)
        env = _environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            DATABASE_URL=database_url,
            COACH_SEND_RATE="0",
        )
        try:
            result = await run_once(
                name, [sys.executable, "-m", "bot"], env, backend, users, checkout
            )
        finally:
            if dropped is not None:
                await drop_database(admin_url, dropped)
    print(json.dumps(asdict(result)), flush=True)
    return result


async def _run_and_print(
    name: str, command: list[str], env: dict[str, str], backend: str, users: int
) -> Result:
    result = await run_once(name, command, env, backend, users)
    print(json.dumps(asdict(result)), flush=True)
    return result


def _median(results: list[Result], bot: str, backend: str) -> dict[str, float]:
    chosen = [r for r in results if r.bot == bot and r.backend == backend]
    return {
        key: statistics.median(getattr(r, key) for r in chosen)
        for key in ("updates_per_second", "p50_ms", "p99_ms", "peak_rss_mib", "cpu_ms_per_update")
    }


def _machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}"


def _checkout(value: str) -> tuple[str, Path]:
    """`NAME=DIR` or `DIR` (named "before")."""
    name, _, folder = value.rpartition("=")
    return name or "before", Path(folder)


def main() -> None:
    """Run and print a Markdown table of medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.throughput")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only-ours", action="store_true", help="skip the echo bots (for profiling runs)"
    )
    parser.add_argument(
        "--before",
        type=_checkout,
        action="append",
        default=[],
        metavar="[NAME=]DIR",
        help="another checkout whose bot runs too, as 'study coach (NAME)' (default name: "
        "before); may be given several times",
    )
    args = parser.parse_args()
    # The emulator reports bots that hang up on a long poll at shutdown; that is expected.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not os.environ.get("COACH_TEST_POSTGRES_URL"):
        parser.error("PostgreSQL needs COACH_TEST_POSTGRES_URL")
    results: list[Result] = []
    for backend in backends:
        results += asyncio.run(
            bench_backend(backend, args.users, args.repeats, args.only_ours, args.before)
        )
    if args.only_ours:
        return
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {_machine()}")
    print(f"{args.users} users × {len(SCRIPT)} updates, medians of {args.repeats} runs\n")
    print(
        "| backend | bot | updates/s | ratio vs echo | ratio vs echo (concurrent) "
        "| p50 ms | p99 ms | peak RSS MiB | CPU ms/update |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    bots = ["echo", "echo (concurrent)", *(f"study coach ({name})" for name, _ in args.before)]
    bots.append("study coach")
    for backend in backends:
        echo = _median(results, "echo", backend)
        concurrent = _median(results, "echo (concurrent)", backend)
        for bot in (b for b in bots if any(r.bot == b for r in results)):
            row = _median(results, bot, backend)
            ratio = row["updates_per_second"] / echo["updates_per_second"]
            ratio_c = row["updates_per_second"] / concurrent["updates_per_second"]
            print(
                f"| {backend} | {bot} | {row['updates_per_second']:.0f} | {ratio:.2f} | "
                f"{ratio_c:.2f} | {row['p50_ms']:.0f} | {row['p99_ms']:.0f} | "
                f"{row['peak_rss_mib']:.0f} | {row['cpu_ms_per_update']:.2f} |"
            )


if __name__ == "__main__":
    main()
