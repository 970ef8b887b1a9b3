"""Benchmarks of the study plan and the quizzes, each against a baseline measured in the same run.

    .venv/bin/python bench/bench_plan_quiz.py [--rounds N]

1. Parsing a plan and exporting it with ticks, against the least any export must do: split
   the document into lines and join them again.
2. Choosing the next quiz question for a learner who has a card for every question in the
   bank (the most work the choice does), against `/status` (`Coach.status`), on SQLite.
3. `due_review_count` (what the morning nudge calls), against a bare `SELECT 1`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from coach.blocks.service import Coach, CoachConfig
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.plan.export import export_with_ticks
from coach.plan.parser import parse_plan
from coach.plan.planner import Planner, default_plan
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import Quizzer, due_review_count
from db.database import Database
from db.migrate import upgrade_to_head
from db.models import QuizCard

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "study-plan-stage1.md"
LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")


class FixedClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def real_seconds_until(self, instant: datetime) -> float:
        return max(0.0, (instant - self.current).total_seconds())


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


async def _amedian_ms(run: Callable[[], Awaitable[object]], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_parse(rounds: int) -> None:
    document = SEED.read_text("utf-8") if SEED.is_file() else default_plan("zh").document
    source = "seed plan" if SEED.is_file() else "default plan"
    ticked = {0, 5, 17}

    def parse_and_export() -> str:
        # Uncached: the parser's own cost (parse_plan keeps recent results).
        return export_with_ticks(parse_plan.__wrapped__(document), ticked)

    def baseline() -> str:
        return "\n".join(document.split("\n"))

    work = _median_ms(parse_and_export, rounds)
    base = _median_ms(baseline, rounds)
    print(f"parse + export ({source}, {len(document.encode())} bytes): median {work:.3f} ms")
    print(f"  baseline split + join: median {base:.4f} ms; ratio {work / base:.0f}x")


async def bench_quiz(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        await asyncio.to_thread(upgrade_to_head, url)
        database = Database(url)
        clock = FixedClock()
        coach = Coach(
            CoachConfig(reward_min_minutes=35),
            clock,
            Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
        )
        planner = Planner(coach.learners, clock)
        bank = load_bank()
        quizzer = Quizzer(bank, coach.learners, planner, clock, rng=random.Random(0))
        async with database.session() as session:
            await coach.learners.profile(session, LIN)
            for number, question in enumerate(bank.questions):
                due = clock.now() + timedelta(days=1 + number)
                session.add(
                    QuizCard(
                        user_id=LIN.user_id,
                        question_id=question.id,
                        fsrs={},
                        due=due,
                        reviews=1,
                        lapses=0,
                        created_at=clock.now(),
                    )
                )
            await session.commit()

        async def choose() -> None:
            async with database.session() as session:
                await quizzer.start_round(session, LIN, "explain")
                await session.rollback()

        async def status() -> None:
            async with database.session() as session:
                await coach.status(session, LIN)
                await session.rollback()

        async def due_count() -> None:
            async with database.session() as session:
                await due_review_count(session, LIN.user_id, clock.now())

        async def select_one() -> None:
            async with database.session() as session:
                await session.execute(text("SELECT 1"))

        for warm in (choose, status, due_count, select_one):
            await warm()
        work = await _amedian_ms(choose, rounds)
        base = await _amedian_ms(status, rounds)
        print(f"choose the next question ({len(bank)} cards, SQLite): median {work:.2f} ms")
        print(f"  baseline /status (Coach.status): median {base:.2f} ms; ratio {work / base:.1f}x")
        work = await _amedian_ms(due_count, rounds)
        base = await _amedian_ms(select_one, rounds)
        print(f"due_review_count (SQLite): median {work:.2f} ms")
        print(f"  baseline SELECT 1: median {base:.2f} ms; ratio {work / base:.1f}x")
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    bench_parse(args.rounds)
    asyncio.run(bench_quiz(args.rounds))


if __name__ == "__main__":
    main()
