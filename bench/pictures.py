"""Benchmarks of the pictures, each against a baseline measured in the same run.

    .venv/bin/python -m bench.pictures [--rounds N]

1. Warm: the weekly chart (a full week, zh and en) and `/progress` (a six-week plan, zh and
   en), drawn again and again in one process, against the English-only chart the bot drew
   before (`_old_english_chart`, kept here verbatim as the baseline).
2. The first picture in a new worker thread (matplotlib caches fonts per thread, and
   `asyncio.to_thread` may hand a picture to a thread that has drawn none).
3. Cold: a fresh interpreter that imports what the bot imports, then draws one picture:
   the import of matplotlib and the font's first load, paid once per process; and the
   resident memory before and after (the bot loads matplotlib only when a picture is asked).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coach.learners.profile import Profile
from coach.pictures.progress import ProgressData, TopicAccuracy, WeekChecklist, draw_progress
from coach.pictures.weekly import draw_weekly
from coach.plan.weeks import Week
from coach.schedule.chart import chart_data
from coach.schedule.digests import BlockLine, DayTotals, WeeklySummary

MONDAY = date(2026, 3, 2)
ROOT = Path(__file__).resolve().parents[1]


def _summary(language: str) -> WeeklySummary:
    days = tuple(MONDAY + timedelta(days=n) for n in range(7))
    started = datetime(2026, 3, 2, 2, tzinfo=UTC)
    topics = ("CNN", "ResNet 残差", "RNN / LSTM", "Transformer", "ViT", "CLIP", "LLaVA")
    blocks = tuple(
        BlockLine(day, topics[(n + k) % 7], 40 + 5 * k, started, None)
        for n, day in enumerate(days[:6])
        for k in range(1 + n % 3)
    )
    totals = tuple(
        DayTotals(
            day,
            sum(1 for b in blocks if b.local_date == day),
            sum(b.minutes for b in blocks if b.local_date == day),
        )
        for day in days
    )
    profile = Profile(1, 1, "Lin", language, "Asia/Shanghai")
    return WeeklySummary(profile, Week(3, days[0], days[6]), totals, blocks, (), (), 6)


def _plan(language: str) -> ProgressData:
    days = [MONDAY + timedelta(days=n) for n in range(42)]
    return ProgressData(
        language,
        MONDAY,
        6,
        days[-1],
        {day: (n * 17) % 100 for n, day in enumerate(days)},
        blocks=50,
        paused=frozenset(days[10:13]),
        checklist=tuple(WeekChecklist(n, min(n, 4), 4) for n in range(1, 7)),
        current_streak=5,
        longest_streak=12,
        quiz=tuple(
            TopicAccuracy(name, n, n + 2)
            for n, name in enumerate(("CNN", "ResNet", "RNN / LSTM", "自注意力", "ViT", "CLIP"))
        ),
    )


def _old_english_chart(summary: WeeklySummary) -> bytes:
    """The chart the bot drew before coach/pictures (the baseline), as it was."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels_of_days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    days = [totals.day for totals in summary.days]
    minutes = [totals.minutes for totals in summary.days]
    blocks = [totals.blocks for totals in summary.days]
    figure = Figure(figsize=(7.0, 3.6), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.bar(
        range(len(days)),
        minutes,
        color=["#4C9A6A" if value else "#D0D7DE" for value in minutes],
        width=0.6,
    )
    axes.set_xticks(
        range(len(days)), [f"{labels_of_days[day.weekday()]}\n{day:%m-%d}" for day in days]
    )
    axes.set_ylabel("minutes of focus")
    axes.set_ylim(0, max(60, max(minutes, default=0) * 1.25))
    for bar, count in zip(bars, blocks, strict=True):
        if count:
            axes.annotate(
                f"{int(bar.get_height())} min\n{count} block{'s' if count > 1 else ''}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    week = summary.week
    axes.set_title(
        f"Week {week.number}  ({week.first_day:%Y-%m-%d} to {week.last_day:%Y-%m-%d})  "
        f"{summary.total_minutes} min in {summary.total_blocks} blocks",
        fontsize=10,
    )
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    drawn = tuple(round(bar.get_height()) for bar in bars)
    metadata = json.dumps({"days": [d.isoformat() for d in days], "minutes": drawn})
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"study-coach-bars": metadata})
    return buffer.getvalue()


def _median_ms(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def _in_new_thread(run: Callable[[], object]) -> float:
    took: list[float] = []

    def work() -> None:
        started = time.perf_counter()
        run()
        took.append((time.perf_counter() - started) * 1000)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return took[0]


# Resident memory from /proc (ru_maxrss would carry the parent's peak across the fork).
_COLD = """
import sys, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
started = time.perf_counter()
import bot.app, coach.progress.gather, coach.schedule.summary_replies
from bench.pictures import {make}, {draw}
imported = (time.perf_counter() - started) * 1000
before = rss()
assert "matplotlib" not in sys.modules
data = {make}("zh")
started = time.perf_counter()
{draw}(data)
first = (time.perf_counter() - started) * 1000
after = rss()
print(imported, first, before, after)
"""


def _cold(make: str, draw: str) -> tuple[float, float, float, float]:
    code = _COLD.format(make=make, draw=draw)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported, first, before, after = (float(value) for value in done.stdout.split())
    return imported, first, before, after


def _weekly(language: str) -> object:
    return draw_weekly(chart_data(_summary(language), today=MONDAY + timedelta(days=5)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds

    summaries = {language: _summary(language) for language in ("zh", "en")}
    plans = {language: _plan(language) for language in ("zh", "en")}
    # Warm up: matplotlib imported, the font registered and loaded in this thread.
    _old_english_chart(summaries["en"])
    _weekly("zh")
    draw_progress(plans["zh"])

    cases: list[tuple[str, Callable[[], object]]] = [
        ("baseline: the old English-only chart", lambda: _old_english_chart(summaries["en"])),
        ("weekly chart, zh (full week)", lambda: _weekly("zh")),
        ("weekly chart, en (full week)", lambda: _weekly("en")),
        ("/progress, zh (six-week plan)", lambda: draw_progress(plans["zh"])),
        ("/progress, en (six-week plan)", lambda: draw_progress(plans["en"])),
    ]
    # Interleaved rounds, so a burst of load from elsewhere hits every case alike.
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(rounds):
        for name, run in cases:
            started = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(samples[cases[0][0]])
    print(f"warm, {rounds} interleaved rounds (median, slowest, ratio to the baseline):")
    for name, _ in cases:
        median = statistics.median(samples[name])
        print(f"  {name}: {median:.0f} ms, {max(samples[name]):.0f} ms, {median / base:.2f}x")

    print("first picture in a new worker thread (fonts are cached per thread):")
    print(f"  weekly chart, zh: {_in_new_thread(lambda: _weekly('zh')):.0f} ms")
    print(f"  /progress, zh: {_in_new_thread(lambda: draw_progress(plans['zh'])):.0f} ms")

    print("cold, in a fresh interpreter (import, first picture, RSS before/after):")
    for label, make, draw in (
        ("weekly chart", "_summary", "_weekly_of_summary"),
        ("/progress", "_plan", "draw_progress"),
    ):
        imported, first, before, after = _cold(make, draw)
        print(
            f"  {label}: import of the bot's modules {imported:.0f} ms; first picture "
            f"{first:.0f} ms; RSS {before:.0f} MiB before it, {after:.0f} MiB after"
        )


def _weekly_of_summary(summary: WeeklySummary) -> object:
    return draw_weekly(chart_data(summary, today=MONDAY + timedelta(days=5)))


if __name__ == "__main__":
    main()
