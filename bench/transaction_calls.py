"""Python function calls per handler transaction: a measure the machine's load does not move.

    .venv/bin/python -m bench.transaction_calls [--backend sqlite|postgresql] [--updates 100]

Each update is what the handler wrapper does for a button press, `/status` and `/note`:
claim the update (bringing the learner along), the command's own work, store the reply in
the outbox, commit. cProfile counts the Python calls of each step (the event loop's share
while waiting on the database included); the averages per update are printed as JSON.
Time per update moves with whatever else the machine runs; the count of calls does not, so
two checkouts can be compared one after the other (an older one without this file:
`PYTHONPATH=DIR .venv/bin/python bench/transaction_calls.py`). PostgreSQL needs
COACH_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import inspect
import json
import os
import pstats
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.postgres import create_database, drop_database
from coach.learners.profile import Identity
from coach.replies import Reply
from coach.settings import Settings
from db.migrate import upgrade_to_head
from jobs.services import Services, build_services

LEARNER = Identity(user_id=77, chat_id=77, first_name="Lin")
REPLY = Reply(text="a reply of ordinary length, stored and then sent")


async def _calls_of(step: Awaitable[Any], counts: dict[str, float], name: str) -> Any:
    profile = cProfile.Profile()
    profile.enable()
    try:
        return await step
    finally:
        profile.disable()
        # total_calls is set by Stats but missing from typeshed's stub.
        total: int = getattr(pstats.Stats(profile), "total_calls")  # noqa: B009
        counts[name] = counts.get(name, 0) + total


async def _measure(services: Services, updates: int) -> dict[str, dict[str, float]]:
    kinds: dict[str, Callable[[Any], Awaitable[Any]]] = {
        "press": lambda session: services.learners.profile(session, LEARNER),
        "status": lambda session: services.coach.status(session, LEARNER),
        "note": lambda session: services.coach.add_note(session, LEARNER, "attention is QKV"),
    }
    # Checkouts from before the claim brought the learner along take no learner.
    with_learner = "learner_id" in inspect.signature(services.updates.claim).parameters
    learner = (LEARNER.user_id,) if with_learner else ()
    update_id = 0
    results: dict[str, dict[str, float]] = {}
    for kind, work in kinds.items():
        counts: dict[str, float] = {}
        for round_ in range(2):  # the first round warms the caches up and is not counted
            scratch: dict[str, float] = {}
            for _ in range(updates):
                update_id += 1
                tally = counts if round_ else scratch
                async with services.database.session() as session:
                    await _calls_of(
                        services.updates.claim(session, update_id, *learner),
                        tally,
                        "claim",
                    )
                    await _calls_of(work(session), tally, "work")
                    await _calls_of(
                        services.replies.store(session, LEARNER.chat_id, [REPLY]), tally, "reply"
                    )
                    await _calls_of(session.commit(), tally, "commit")
        results[kind] = {name: round(total / updates) for name, total in counts.items()}
        results[kind]["total"] = sum(results[kind].values())
    return results


async def run(backend: str, updates: int) -> dict[str, dict[str, float]]:
    """Count the calls on a fresh, migrated database of `backend`."""
    admin_url = os.environ.get("COACH_TEST_POSTGRES_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        dropped = None
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'calls.db'}"
        else:
            url, dropped = await create_database(admin_url)
        try:
            await asyncio.to_thread(upgrade_to_head, url)
            settings = Settings(_env_file=None, DATABASE_URL=url)
            services = build_services(settings)
            try:
                async with services.database.session() as session:
                    await services.learners.profile(session, LEARNER)
                    await session.commit()
                return await _measure(services, updates)
            finally:
                await services.close()
        finally:
            if dropped is not None:
                await drop_database(admin_url, dropped)


def main() -> None:
    """Print the calls per update of each kind, by step, as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.transaction_calls")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--updates", type=int, default=100)
    args = parser.parse_args()
    if args.backend == "postgresql" and not os.environ.get("COACH_TEST_POSTGRES_URL"):
        parser.error("PostgreSQL needs COACH_TEST_POSTGRES_URL")
    print(json.dumps(asyncio.run(run(args.backend, args.updates))))


if __name__ == "__main__":
    main()
