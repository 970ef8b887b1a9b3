"""The weekly chart: minutes of focus per day against the Minimum Viable Day, in the learner's
language, with today marked, paused days shown and each day's topics under its bar.

`draw_weekly` takes a `WeeklyChartData` (plain values); `chart_data` makes one from the
weekly summary. The bar heights are read back from the drawn bars and stored, with the block
counts, in the PNG's own metadata under `CHART_METADATA_KEY`, so whoever holds the image can
check what it shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from coach.messages import t
from coach.pictures.canvas import INK, MUTED, finish, new_figure, style_axes
from coach.pictures.text import fit, month_day, plural, weekday

CHART_METADATA_KEY = "study-coach-bars"
# The Minimum Viable Day: one focus block of 35–45 minutes of work.
DEFAULT_STANDARD_MINUTES = 35
# Topics listed under a day's bar, and how wide each may be (a CJK character counts 2).
MAX_TOPICS = 3
TOPIC_WIDTH = 12

MET = "#2DA44E"  # the day met the standard
SHORT = "#9BE9A8"  # some focus, below the standard
STANDARD = "#CF222E"
TODAY = "#BF5700"
TODAY_BACKGROUND = "#FFF1D6"
PAUSED_BACKGROUND = "#E7EEF7"
PAUSED_HATCH = "#B6C6DB"


@dataclass(frozen=True)
class ChartDay:
    """One bar: a local date, its focus and topics, and whether the learner paused it."""

    day: date
    minutes: int
    blocks: int
    topics: tuple[str, ...] = ()
    paused: bool = False


@dataclass(frozen=True)
class WeeklyChartData:
    """Everything the weekly chart shows."""

    language: str
    week_number: int
    days: tuple[ChartDay, ...]
    today: date | None = None
    standard_minutes: int = DEFAULT_STANDARD_MINUTES

    @property
    def total_minutes(self) -> int:
        """Minutes of focus in the week."""
        return sum(day.minutes for day in self.days)

    @property
    def total_blocks(self) -> int:
        """Completed blocks in the week."""
        return sum(day.blocks for day in self.days)

    @property
    def active_days(self) -> int:
        """Days with at least one completed block."""
        return sum(1 for day in self.days if day.blocks)


@dataclass(frozen=True)
class WeeklyChart:
    """The PNG, the values its bars were drawn with, and every text drawn."""

    png: bytes
    days: tuple[str, ...]
    minutes: tuple[int, ...]
    blocks: tuple[int, ...]
    texts: tuple[str, ...] = ()
    font_files: frozenset[str] = frozenset()


def draw_weekly(data: WeeklyChartData) -> WeeklyChart:
    """Draw the week's chart (blocking and thread-safe: run it in a worker thread)."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    language = data.language
    # Layout in inches: the header, the bars, then the dates and up to four lines of topics
    # under them; the picture is only as tall as the topics need.
    topic_lines = [_topic_lines(day.topics) for day in data.days]
    under = 0.62 + (0.16 * max(map(len, topic_lines)) + 0.08 if any(topic_lines) else 0.0)
    height = 1.05 + 2.5 + under
    figure, family = new_figure(height)
    axes = figure.add_axes((0.12, under / height, 0.85, 2.5 / height))
    style_axes(axes, family)
    count = len(data.days)
    minutes = [day.minutes for day in data.days]
    top = max(minutes, default=0)
    ceiling = max(60.0, data.standard_minutes * 1.6, top * 1.3)
    axes.set_xlim(-0.5, count - 0.5)
    axes.set_ylim(0, ceiling)

    for index, day in enumerate(data.days):
        if day.day == data.today:
            axes.axvspan(index - 0.5, index + 0.5, color=TODAY_BACKGROUND, lw=0, zorder=0)
        if day.paused:
            axes.axvspan(
                index - 0.42,
                index + 0.42,
                facecolor=PAUSED_BACKGROUND,
                edgecolor=PAUSED_HATCH,
                hatch="///",
                lw=0,
                zorder=0.5,
            )
            axes.text(
                index,
                ceiling * 0.5,
                t(language, "pictures.paused"),
                ha="center",
                va="center",
                fontsize=8.5,
                color=MUTED,
                fontfamily=family,
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.9},
                zorder=3,
            )

    colors = [MET if value >= data.standard_minutes else SHORT for value in minutes]
    bars = axes.bar(range(count), minutes, color=colors, width=0.62, zorder=2)
    for bar, day in zip(bars, data.days, strict=True):
        if day.day == data.today and day.minutes:
            bar.set_edgecolor(TODAY)
            bar.set_linewidth(1.5)
        if day.blocks:
            axes.annotate(
                t(language, "pictures.minutes", minutes=day.minutes)
                + "\n"
                + plural(language, "pictures.bar_blocks", day.blocks),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                linespacing=1.1,
                color=INK,
                fontfamily=family,
                zorder=4,
            )

    axes.axhline(data.standard_minutes, color=STANDARD, lw=1.2, ls=(0, (5, 3)), zorder=3)
    # The standard's label sits in the header, as a legend, where no bar can cover it.
    legend_y = 1 - 0.73 / height
    figure.add_artist(
        Line2D((0.04, 0.1), (legend_y, legend_y), color=STANDARD, lw=1.2, ls=(0, (5, 3)))
    )
    figure.text(
        0.115,
        legend_y,
        t(language, "pictures.standard", minutes=data.standard_minutes),
        va="center",
        fontsize=8.5,
        color=STANDARD,
        fontfamily=family,
    )
    axes.set_ylabel(t(language, "pictures.minutes_axis"), fontsize=8.5, color=MUTED, family=family)
    axes.yaxis.grid(True, color="#EEF1F4", lw=0.8, zorder=0)
    axes.set_axisbelow(True)

    labels = [
        (t(language, "pictures.today") if day.day == data.today else weekday(language, day.day))
        + "\n"
        + month_day(language, day.day)
        for day in data.days
    ]
    axes.set_xticks(range(count), labels, fontsize=8, linespacing=1.2)
    for label, day in zip(axes.get_xticklabels(), data.days, strict=True):
        if day.day == data.today:
            label.set_color(TODAY)
    axes.tick_params(axis="x", length=0, pad=4)

    # Each day's topics under its date: x in data units, y in inches from the bottom.
    below = blended_transform_factory(axes.transData, figure.dpi_scale_trans)
    for index, lines in enumerate(topic_lines):
        if lines:
            axes.text(
                index,
                under - 0.55,
                "\n".join(lines),
                transform=below,
                ha="center",
                va="top",
                fontsize=7,
                linespacing=1.25,
                color=MUTED,
                fontfamily=family,
            )

    if not data.total_blocks:
        axes.text(
            0.5,
            0.72,
            t(language, "pictures.empty_week"),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            color=MUTED,
            fontfamily=family,
        )

    first, last = data.days[0].day, data.days[-1].day
    figure.text(
        0.04,
        1 - 0.17 / height,
        t(
            language,
            "pictures.weekly_title",
            week=data.week_number,
            first=month_day(language, first),
            last=month_day(language, last),
        ),
        fontsize=13,
        color=INK,
        fontfamily=family,
        va="top",
    )
    figure.text(
        0.04,
        1 - 0.45 / height,
        t(
            language,
            "pictures.weekly_totals",
            minutes=data.total_minutes,
            blocks=plural(language, "pictures.blocks", data.total_blocks),
            active=data.active_days,
        ),
        fontsize=9,
        color=MUTED,
        fontfamily=family,
        va="top",
    )

    drawn = tuple(round(bar.get_height()) for bar in bars)
    days = tuple(day.day.isoformat() for day in data.days)
    blocks = tuple(day.blocks for day in data.days)
    # What the marks mean, too: the standard's line, today and the paused days.
    metadata = json.dumps(
        {
            "days": days,
            "minutes": drawn,
            "blocks": blocks,
            "standard": data.standard_minutes,
            "today": data.today.isoformat() if data.today is not None else None,
            "paused": [day.day.isoformat() for day in data.days if day.paused],
        }
    )
    picture = finish(figure, {CHART_METADATA_KEY: metadata})
    return WeeklyChart(picture.png, days, drawn, blocks, picture.texts, picture.font_files)


def _topic_lines(topics: tuple[str, ...]) -> list[str]:
    """A day's topics, one short line each, at most `MAX_TOPICS` and a "+N" for the rest."""
    lines = [line for line in (fit(topic, TOPIC_WIDTH) for topic in topics[:MAX_TOPICS]) if line]
    if len(topics) > MAX_TOPICS:
        lines.append(f"+{len(topics) - MAX_TOPICS}")
    return lines
