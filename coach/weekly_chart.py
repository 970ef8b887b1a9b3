"""The weekly bar chart: minutes of focus per day, with the day's block count on each bar.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, safe in a worker
thread). The heights are read back from the drawn bars and stored, with the block counts, in
the PNG's own metadata under `CHART_METADATA_KEY`, so whoever holds the image can check what it
shows. Labels are ASCII only: matplotlib's bundled font has no CJK glyphs.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from coach.digests import WeeklySummary
from coach.messages import t

CHART_METADATA_KEY = "study-coach-bars"
_DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_BAR_COLOR = "#4C9A6A"
_EMPTY_COLOR = "#D0D7DE"
# Labels are drawn in English whatever the learner's language (no CJK glyphs, see above).
_CHART_LANGUAGE = "en"


@dataclass(frozen=True)
class WeeklyChart:
    """The PNG and the values its bars were drawn with."""

    png: bytes
    days: tuple[str, ...]
    minutes: tuple[int, ...]
    blocks: tuple[int, ...]


def draw_weekly_chart(summary: WeeklySummary) -> WeeklyChart:
    """Draw the week's minutes per day as a bar chart (blocking: run it in a worker thread)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    days = [totals.day for totals in summary.days]
    minutes = [totals.minutes for totals in summary.days]
    blocks = [totals.blocks for totals in summary.days]
    figure = Figure(figsize=(7.0, 3.6), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.bar(
        range(len(days)),
        minutes,
        color=[_BAR_COLOR if value else _EMPTY_COLOR for value in minutes],
        width=0.6,
    )
    axes.set_xticks(
        range(len(days)), [f"{_DAY_LABELS[day.weekday()]}\n{day:%m-%d}" for day in days]
    )
    axes.set_ylabel(t(_CHART_LANGUAGE, "chart.axis"))
    top = max(minutes, default=0)
    axes.set_ylim(0, max(60, top * 1.25))
    for bar, count in zip(bars, blocks, strict=True):
        if count:
            axes.annotate(
                t(_CHART_LANGUAGE, "chart.bar", minutes=int(bar.get_height()), blocks=count),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    week = summary.week
    axes.set_title(
        t(
            _CHART_LANGUAGE,
            "chart.title",
            week=week.number,
            first=f"{week.first_day:%Y-%m-%d}",
            last=f"{week.last_day:%Y-%m-%d}",
            minutes=summary.total_minutes,
            blocks=summary.total_blocks,
        ),
        fontsize=10,
    )
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    drawn = tuple(round(bar.get_height()) for bar in bars)
    labels = tuple(day.isoformat() for day in days)
    metadata = json.dumps({"days": labels, "minutes": drawn, "blocks": blocks})
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={CHART_METADATA_KEY: metadata})
    return WeeklyChart(buffer.getvalue(), labels, drawn, tuple(blocks))
