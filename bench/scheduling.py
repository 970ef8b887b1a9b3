"""Benchmarks of scheduled coaching (not a test): due-claim at 100,000 learners, and fan-out.

1. Due-claim: with 100,000 learners (300,000 schedules) in the database, the time to find and
   claim one minute's due messages, on SQLite and PostgreSQL. The baseline, measured in the
   same run, is the same minutes claimed from a database that holds only those minutes'
   learners, so the ratio shows what the other 99 % of the table costs. Also each tick's
   upkeep (enrolling new learners, re-arming returning ones), and the peak: every learner
   due in the same minute (all on the default 09:00 in one timezone).
2. Fan-out: 3,000 nudges due at once, sent by the real Application through the emulator,
   which enforces 30 messages per second (429 with retry_after beyond). Reported: achieved
   rate / limit, 429s received, duplicates and losses. Baseline: the same fan-out with no
   limit anywhere, i.e. what the pipeline could do if Telegram let it.

Usage:  .venv/bin/python -m bench.scheduling [--users 100000] [--fanout 3000]
        [--postgres postgresql://coach:coach@127.0.0.1:5432/postgres] [--skip-claim]
        [--skip-fanout] [--json results.json]
The PostgreSQL URL (or COACH_TEST_POSTGRES_URL) names a role that may create databases;
each run works in a fresh database it drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text

from bench.postgres import create_database, drop_database
from bot.app import build_application
from bot.polling import serve
from coach.blocks.service import Coach, CoachConfig
from coach.learners.registry import LearnerDefaults, Learners
from coach.schedule.delivery import Deliveries
from coach.schedule.service import Scheduler
from coach.schedule.times import local_instant
from coach.settings import Settings
from db.database import Database
from db.migrate import upgrade_to_head
from db.models import Schedule, ScheduledDelivery, User
from db.scheduling import ScheduleRepository
from emulator import BotApiEmulator, SentMessage
from jobs.services import build_services, scheduler_config


def deliveries_of(scheduler: Scheduler) -> Deliveries:
    """The delivery side of scheduling, on the scheduler's settings and clock."""
    return Deliveries(scheduler.config, scheduler.clock)


TOKEN = "123456789:BENCH-token_for-the-emulator"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)  # a Monday
FIRST_MINUTE = 9 * 60
MINUTES_MEASURED = 15
CLAIM_BATCH = 50  # the default COACH_SCHEDULE_BATCH
LIMIT_PER_SECOND = 30


class FixedClock:
    """The coach's clock, set by the benchmark."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def real_seconds_until(self, instant: datetime) -> float:
        return max(0.0, (instant - self.current).total_seconds())


# -- databases ------------------------------------------------------------------------------


Cleanups = list[Callable[[], Awaitable[None]]]


async def fresh_database(backend: str, admin_url: str | None, cleanups: Cleanups) -> str:
    """A migrated, empty database; what removes it afterwards is appended to `cleanups`."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="coach-bench-")

        async def remove_folder() -> None:
            shutil.rmtree(folder, ignore_errors=True)

        cleanups.append(remove_folder)
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
    else:
        assert admin_url is not None
        url, name = await create_database(admin_url)

        async def drop() -> None:
            await drop_database(admin_url, name)

        cleanups.append(drop)
    await asyncio.to_thread(upgrade_to_head, url)
    return url


async def _clean(cleanups: Cleanups) -> None:
    for cleanup in reversed(cleanups):
        await cleanup()
    cleanups.clear()


def _user_rows(ids: range | list[int], created: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": user_id,
            "chat_id": user_id,
            "first_name": f"L{user_id}",
            "language": "zh",
            "timezone": "Asia/Shanghai",
            "settings": {},
            "active": True,
            "created_at": created,
            "updated_at": created,
        }
        for user_id in ids
    ]


async def _insert(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    async with database.engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            await connection.execute(insert(table), rows[start : start + 10_000])


async def seed_schedules(database: Database, minutes_of: dict[int, int]) -> None:
    """Learners with the nudge at `minutes_of[user]`; firings before 09:00 already moved on."""
    created = datetime(2026, 3, 1, tzinfo=UTC)
    await _insert(database, User.__table__, _user_rows(sorted(minutes_of), created))
    rows = []
    for user_id, minutes in minutes_of.items():
        nudge_day = DAY if minutes >= FIRST_MINUTE else DAY + timedelta(days=1)
        for kind, minute, day, weekday in (
            ("nudge", minutes, nudge_day, None),
            ("recap", 21 * 60 + 30, DAY, None),
            ("weekly", 20 * 60, DAY + timedelta(days=6), 6),
        ):
            rows.append(
                {
                    "user_id": user_id,
                    "kind": kind,
                    "local_minutes": minute,
                    "weekday": weekday,
                    "enabled": True,
                    "zone": "Asia/Shanghai",
                    "next_due_at": local_instant(day, minute, SHANGHAI),
                    "next_local_date": day,
                    "updated_at": created,
                }
            )
    await _insert(database, Schedule.__table__, rows)
    if database.dialect == "postgresql":
        async with database.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


# -- 1. due-claim ---------------------------------------------------------------------------


def _scheduler(database_url: str, clock: FixedClock) -> Scheduler:
    settings = Settings(_env_file=None, DATABASE_URL=database_url)
    coach = Coach(
        CoachConfig(reward_min_minutes=35),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )
    return Scheduler(scheduler_config(settings), clock, coach.learners)


async def measure_minutes(database_url: str, minutes: list[int]) -> dict[str, Any]:
    """Find and claim each minute's due nudges in turn; timings in milliseconds."""
    database = Database(database_url)
    clock = FixedClock(datetime.now(UTC))
    scheduler = _scheduler(database_url, clock)
    finds, claims, counts = [], [], []
    try:
        for minute in minutes:
            clock.current = local_instant(DAY, minute, SHANGHAI) + timedelta(seconds=30)
            async with database.session() as session:
                started = time.perf_counter()
                found = await ScheduleRepository(session).lock_due(clock.current, 1000)
                finds.append((time.perf_counter() - started) * 1000)
                await session.rollback()
            claimed = 0
            started = time.perf_counter()
            while True:
                async with database.session() as session:
                    batch = await deliveries_of(scheduler).claim_due(session, "bench", CLAIM_BATCH)
                    await session.commit()
                if not batch.examined:
                    break
                claimed += len(batch.claims)
            claims.append((time.perf_counter() - started) * 1000)
            assert claimed == len(found), (claimed, len(found))
            counts.append(claimed)
    finally:
        await database.dispose()
    return {
        "due_per_minute": statistics.median(counts),
        "find_ms": statistics.median(finds),
        "claim_ms": statistics.median(claims),
        "claim_ms_max": max(claims),
    }


async def measure_upkeep(database_url: str) -> dict[str, Any]:
    """What every tick does before claiming, with everyone enrolled: find learners to enroll
    or re-arm, expire vanished senders, and read the soonest firing for the wake-up."""
    database = Database(database_url)
    clock = FixedClock(local_instant(DAY, FIRST_MINUTE, SHANGHAI))
    scheduler = _scheduler(database_url, clock)
    upkeeps, earliest = [], []
    try:
        for _ in range(MINUTES_MEASURED):
            async with database.session() as session:
                started = time.perf_counter()
                assert await scheduler.enroll(session, 1000) == 0
                assert await scheduler.rearm(session, 1000) == 0
                await deliveries_of(scheduler).expire_in_flight(session)
                await session.commit()
                upkeeps.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                await deliveries_of(scheduler).earliest_due(session)
                earliest.append((time.perf_counter() - started) * 1000)
    finally:
        await database.dispose()
    return {"upkeep_ms": statistics.median(upkeeps), "earliest_due_ms": statistics.median(earliest)}


async def measure_peak(database_url: str) -> dict[str, Any]:
    """Everyone due at 09:00: claim them all."""
    database = Database(database_url)
    clock = FixedClock(local_instant(DAY, FIRST_MINUTE, SHANGHAI) + timedelta(seconds=30))
    scheduler = _scheduler(database_url, clock)
    claimed = 0
    try:
        started = time.perf_counter()
        while True:
            async with database.session() as session:
                batch = await deliveries_of(scheduler).claim_due(session, "bench", CLAIM_BATCH)
                await session.commit()
            if not batch.examined:
                break
            claimed += len(batch.claims)
        seconds = time.perf_counter() - started
    finally:
        await database.dispose()
    return {"claimed": claimed, "seconds": seconds, "per_second": claimed / seconds}


async def bench_claim(backend: str, admin_url: str | None, users: int) -> dict[str, Any]:
    measured = list(range(FIRST_MINUTE, FIRST_MINUTE + MINUTES_MEASURED))
    spread = {user_id: (user_id * 7919) % 1440 for user_id in range(1, users + 1)}
    only_measured = {u: m for u, m in spread.items() if m in measured}
    results: dict[str, Any] = {"backend": backend, "users": users}
    for label, minutes_of in (("baseline", only_measured), ("full", spread)):
        cleanups: Cleanups = []
        try:
            url = await fresh_database(backend, admin_url, cleanups)
            database = Database(url)
            started = time.perf_counter()
            await seed_schedules(database, minutes_of)
            await database.dispose()
            seeded = time.perf_counter() - started
            results[label] = {"users": len(minutes_of), "seed_s": seeded}
            results[label].update(await measure_minutes(url, measured))
            results[label].update(await measure_upkeep(url))
        finally:
            await _clean(cleanups)
    cleanups = []
    try:
        url = await fresh_database(backend, admin_url, cleanups)
        database = Database(url)
        await seed_schedules(database, dict.fromkeys(range(1, users + 1), FIRST_MINUTE))
        await database.dispose()
        results["peak"] = await measure_peak(url)
    finally:
        await _clean(cleanups)
    results["ratio"] = results["full"]["claim_ms"] / results["baseline"]["claim_ms"]
    return results


# -- 2. fan-out -----------------------------------------------------------------------------


async def bench_fanout(
    backend: str, admin_url: str | None, count: int, *, limited: bool
) -> dict[str, Any]:
    cleanups: Cleanups = []
    emulator = BotApiEmulator(token=TOKEN, bot_username="study_coach_bot")
    await emulator.start()
    try:
        url = await fresh_database(backend, admin_url, cleanups)
        ids = list(range(100_001, 100_001 + count))
        database = Database(url)
        await _insert(database, User.__table__, _user_rows(ids, datetime(2026, 3, 1, tzinfo=UTC)))
        await database.dispose()
        for user_id in ids:
            emulator.user(user_id, first_name=f"L{user_id}")
        if limited:
            emulator.enforce_rate_limit(LIMIT_PER_SECOND)
        sent: list[tuple[float, int]] = []
        all_sent = asyncio.Event()

        def record(message: SentMessage, event: str) -> None:
            if event == "sent" and "早上好" in (message.text or ""):
                sent.append((time.monotonic(), message.chat_id))
                if len(sent) >= count:
                    all_sent.set()

        emulator.on_bot_message(record)
        overrides: dict[str, Any] = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_URL": url,
            "COACH_ALLOWED_USERS": "",
            # 09:00 comes 8 seconds after start-up, after the learners are enrolled.
            "COACH_CLOCK_START": "2026-03-02T08:59:52+08:00",
            "LOG_LEVEL": "WARNING",
        }
        if not limited:
            overrides["COACH_SEND_RATE"] = 1000
        settings = Settings(_env_file=None, **overrides)
        services = build_services(settings)
        application = build_application(services, TOKEN)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(application, stop, poll_timeout=2))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_sent.wait(), timeout=60 + 3 * count / LIMIT_PER_SECOND)
        await asyncio.sleep(3)  # anything more (a duplicate) would arrive now
        stop.set()
        await asyncio.wait_for(task, timeout=60)
        async with services.database.session() as session:
            statuses = Counter((await session.scalars(select(ScheduledDelivery.status))).all())
        await services.close()
    finally:
        await emulator.stop()
        await _clean(cleanups)
    per_chat = Counter(chat for _, chat in sent)
    times = [moment for moment, _ in sent]
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span if len(times) > 1 else 0.0
    return {
        "backend": backend,
        "limited": limited,
        "messages": count,
        "delivered": len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "lost": count - len(per_chat),
        "seconds_first_to_last": span,
        "rate_per_second": rate,
        "rate_over_limit": rate / LIMIT_PER_SECOND,
        "max_in_any_second": _max_in_window(times, 1.0),
        "answered_429": emulator.rate_limited,
        "delivery_statuses": dict(statuses),
    }


def _max_in_window(times: list[float], window: float) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


# -- report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            "unknown",
        )
    except OSError:
        model = "unknown"
    return {
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "load_average": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--fanout", type=int, default=3_000)
    parser.add_argument("--postgres", default=os.environ.get("COACH_TEST_POSTGRES_URL"))
    parser.add_argument("--skip-claim", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--fanout-backends", default="sqlite")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    report: dict[str, Any] = {"machine": machine(), "claim": [], "fanout": []}
    print(json.dumps(report["machine"]), flush=True)
    if not args.skip_claim:
        for backend in backends:
            result = await bench_claim(backend, args.postgres, args.users)
            report["claim"].append(result)
            print(json.dumps(result), flush=True)
    if not args.skip_fanout:
        for backend in args.fanout_backends.split(","):
            for limited in (False, True):
                result = await bench_fanout(backend, args.postgres, args.fanout, limited=limited)
                report["fanout"].append(result)
                print(json.dumps(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
