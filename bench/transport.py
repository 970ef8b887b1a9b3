"""CPU per Bot API call: PTB's HTTPXRequest against bot/transport.py's AiohttpRequest.

    .venv/bin/python -m bench.transport [--calls 2000] [--rounds 5] [--concurrency 8]

One process: the Bot API emulator and a python-telegram-bot `Bot` sending `sendMessage`,
`--concurrency` calls at a time over a pool of that many connections (the bot's own pool
size is 8). The CPU (time.process_time) per call therefore includes the emulator's share,
the same for both transports; the difference is the transports'. Rounds alternate, so the
machine's load hits both alike. Prints one JSON line per round and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.transport import AiohttpRequest
from emulator import BotApiEmulator

TOKEN = "123456789:BENCH-token_for-the-emulator"
CHAT = 1000
TEXT = "📒 已写进 2026-03-02 的今日记录（今天第 1 条）。"


def _request(kind: str, connections: int) -> BaseRequest:
    if kind == "httpx":
        return HTTPXRequest(connection_pool_size=connections, pool_timeout=30.0)
    return AiohttpRequest(connection_pool_size=connections, pool_timeout=30.0)


async def one_round(emulator: BotApiEmulator, kind: str, calls: int, concurrency: int) -> float:
    """Milliseconds of CPU per sendMessage (emulator included) for `calls` calls."""
    bot = Bot(TOKEN, base_url=f"{emulator.base_url}/bot", request=_request(kind, concurrency))
    async with bot:
        for _ in range(50):  # warm: connections open, caches filled
            await bot.send_message(CHAT, TEXT)
        emulator.calls.clear()
        per_worker = calls // concurrency

        async def worker() -> None:
            for _ in range(per_worker):
                await bot.send_message(CHAT, TEXT)

        started = time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        cpu = time.process_time() - started
    return cpu * 1000 / (per_worker * concurrency)


async def run(calls: int, rounds: int, concurrency: int) -> dict[str, list[float]]:
    """Alternating rounds of each transport against one emulator."""
    results: dict[str, list[float]] = {"httpx": [], "aiohttp": []}
    async with BotApiEmulator(token=TOKEN, bot_username="bench_bot") as emulator:
        emulator.user(CHAT, first_name="Bench")
        for index in range(rounds):
            for kind in ("httpx", "aiohttp") if index % 2 == 0 else ("aiohttp", "httpx"):
                ms = await one_round(emulator, kind, calls, concurrency)
                results[kind].append(ms)
                print(
                    json.dumps({"round": index, "transport": kind, "cpu_ms_per_call": round(ms, 3)})
                )
    return results


def main() -> None:
    """Run and print the medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.transport")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    results = asyncio.run(run(args.calls, args.rounds, args.concurrency))
    httpx_ms = statistics.median(results["httpx"])
    aiohttp_ms = statistics.median(results["aiohttp"])
    print(
        f"median CPU per sendMessage, emulator included: httpx {httpx_ms:.3f} ms, "
        f"aiohttp {aiohttp_ms:.3f} ms ({aiohttp_ms / httpx_ms:.2f}x)"
    )


if __name__ == "__main__":
    main()
