"""`/progress`: the whole plan so far in one picture, in the learner's language.

From top to bottom: the title and totals; the current and the longest streak; a calendar
heatmap of focus minutes per day, one column per plan week as GitHub draws contributions; the
checklist progress of each week; quiz accuracy by topic. `draw_progress` takes plain values
(`ProgressData`); `coach.progress.gather.progress_data` reads them from the database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from coach.messages import t
from coach.pictures.canvas import GRID, INK, MUTED, WIDTH_INCHES, Picture, finish, new_figure
from coach.pictures.text import fit, month_day, plural, weekday
from coach.pictures.weekly import DEFAULT_STANDARD_MINUTES

DAYS_PER_WEEK = 7
# GitHub's contribution greens: none, some, the standard met, twice the standard.
LEVELS = ("#EBEDF0", "#9BE9A8", "#40C463", "#216E39")
FUTURE = "#FFFFFF"
PAUSED = "#DCE4EE"
PAUSED_EDGE = "#B6C6DB"
TODAY = "#BF5700"
DONE = "#2DA44E"
UNDONE = "#EBEDF0"
QUIZ = "#0969DA"
# At most this many quiz topics are listed (the most answered), so the picture keeps its size.
MAX_TOPICS = 8


@dataclass(frozen=True)
class WeekChecklist:
    """A plan week's checklist: items ticked off out of all."""

    number: int
    done: int
    total: int


@dataclass(frozen=True)
class TopicAccuracy:
    """Quiz answers of one topic: right out of answered."""

    name: str
    correct: int
    answered: int

    @property
    def share(self) -> float:
        """Right answers as a share of all, 0 without answers."""
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ProgressData:
    """Everything `/progress` shows. Days run from `start_date` for `weeks` plan weeks."""

    language: str
    start_date: date
    weeks: int
    today: date
    minutes: Mapping[date, int] = field(default_factory=dict)
    blocks: int = 0
    paused: Collection[date] = frozenset()
    checklist: tuple[WeekChecklist, ...] = ()
    current_streak: int = 0
    longest_streak: int = 0
    quiz: tuple[TopicAccuracy, ...] = ()
    standard_minutes: int = DEFAULT_STANDARD_MINUTES

    @property
    def current_week(self) -> int:
        """The plan week holding today: 0 before the start, capped at the last week."""
        if self.today < self.start_date:
            return 0
        return min(self.weeks, (self.today - self.start_date).days // DAYS_PER_WEEK + 1)

    @property
    def total_minutes(self) -> int:
        """Minutes of focus over the plan so far."""
        return sum(self.minutes.values())

    @property
    def active_days(self) -> int:
        """Days with focus."""
        return sum(1 for value in self.minutes.values() if value > 0)


def level(minutes: int, standard: int) -> int:
    """The heatmap shade of a day: 0 none, 1 below the standard, 2 met, 3 twice met."""
    if minutes <= 0:
        return 0
    if minutes < standard:
        return 1
    return 2 if minutes < 2 * standard else 3


def draw_progress(data: ProgressData) -> Picture:
    """Draw the plan's progress (blocking and thread-safe: run it in a worker thread)."""
    language = data.language
    weeks = max(1, data.weeks)
    topics = sorted(data.quiz, key=lambda topic: -topic.answered)[:MAX_TOPICS]
    # The figure grows with the plan's weeks and the quiz topics, so rows keep their size.
    sheet = Sheet()
    y = _header(sheet, data)
    y = _calendar(sheet, data, weeks, y)
    y = _checklist(sheet, data, weeks, y)
    y = _quiz(sheet, language, topics, y)
    return sheet.finish(y)


# Layout, in inches from the top left (the picture is `WIDTH_INCHES` wide).
LEFT = 0.22
CELL_HEIGHT = 0.42
ROW = 0.3
GRID_LEFT = 0.9
GRID_RIGHT = WIDTH_INCHES - 0.2
BAR_LEFT = 0.9
BAR_WIDTH = 3.5


class Sheet:
    """Rectangles and texts placed in inches from the top left, drawn at the end.

    Drawing the picture as rectangles and texts straight on the figure (no axes, no ticks,
    one patch collection per hatch) keeps it under the time budget: matplotlib's axes and
    tick objects cost milliseconds each, and so does each patch added to an axes one by one.
    The figure is made last, as tall as what was placed on it.
    """

    def __init__(self) -> None:
        # (x, y, text, size, color, ha, va)
        self.texts: list[tuple[float, float, str, float, str, str, str]] = []
        # (x, y, width, height, face, edge, line width) by hatch.
        self.rects: dict[str | None, list[tuple[float, float, float, float, str, str, float]]] = {}

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 8.5,
        color: str = INK,
        ha: str = "left",
        va: str = "center",
    ) -> None:
        """Text at (x, y) inches."""
        self.texts.append((x, y, text, size, color, ha, va))

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        face: str,
        edge: str = "none",
        *,
        hatch: str | None = None,
        lw: float = 0.8,
    ) -> None:
        """A rectangle with its top left corner at (x, y) inches."""
        self.rects.setdefault(hatch, []).append((x, y, width, height, face, edge, lw))

    def finish(self, height: float) -> Picture:
        """Draw everything on a figure `height` inches tall and render it."""
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Rectangle
        from matplotlib.transforms import Affine2D

        figure, family = new_figure(height)
        # Inches from the top left; artists go straight on the figure (no axes, no ticks).
        inches = Affine2D().scale(1, -1).translate(0, height) + figure.dpi_scale_trans
        for hatch, rects in self.rects.items():
            collection = PatchCollection(
                [Rectangle((x, y), w, h) for x, y, w, h, *_ in rects],
                facecolors=[rect[4] for rect in rects],
                edgecolors=[rect[5] for rect in rects],
                linewidths=[rect[6] for rect in rects],
                hatch=hatch,
                transform=inches,
            )
            figure.add_artist(collection)
        for x, y, text, size, color, ha, va in self.texts:
            figure.text(
                x,
                y,
                text,
                fontsize=size,
                color=color,
                ha=ha,
                va=va,
                fontfamily=family,
                transform=inches,
            )
        return finish(figure)


def _header(sheet: Sheet, data: ProgressData) -> float:
    """The title, the totals and the two streaks; returns where the next part begins."""
    language = data.language
    if data.current_week:
        title = t(language, "pictures.progress_title", week=data.current_week, weeks=data.weeks)
    else:
        title = t(language, "pictures.progress_before", date=month_day(language, data.start_date))
    sheet.text(LEFT, 0.2, title, size=13, va="top")
    totals = t(
        language,
        "pictures.progress_totals",
        minutes=data.total_minutes,
        blocks=plural(language, "pictures.blocks", data.blocks),
        days=plural(language, "pictures.days", data.active_days),
    )
    sheet.text(LEFT, 0.62, totals, size=9, color=MUTED, va="top")
    for x, key, value in (
        (LEFT, "pictures.streak_current", data.current_streak),
        (2.8, "pictures.streak_longest", data.longest_streak),
    ):
        sheet.text(x, 1.0, t(language, key), size=9, color=MUTED, va="top")
        sheet.text(
            x,
            1.22,
            plural(language, "pictures.days", value),
            size=15,
            color=DONE if value else MUTED,
            va="top",
        )
    return 1.85


def _heading(sheet: Sheet, y: float, key: str, language: str) -> float:
    sheet.text(LEFT, y, t(language, key), size=10, va="top")
    return y + 0.34


def _calendar(sheet: Sheet, data: ProgressData, weeks: int, y: float) -> float:
    """A calendar of the plan: a row per week, a column per day, shaded by minutes of focus."""
    language = data.language
    y = _heading(sheet, y, "pictures.heatmap_title", language)
    column = (GRID_RIGHT - GRID_LEFT) / DAYS_PER_WEEK
    for index in range(DAYS_PER_WEEK):
        day = data.start_date + timedelta(days=index)
        x = GRID_LEFT + column * (index + 0.5)
        sheet.text(x, y, weekday(language, day, short=True), size=7.5, color=MUTED, ha="center")
    y += 0.17
    for row in range(weeks):
        top = y + row * CELL_HEIGHT
        current = row + 1 == data.current_week
        sheet.text(
            LEFT,
            top + CELL_HEIGHT / 2,
            t(language, "pictures.week_short", week=row + 1),
            size=8,
            color=TODAY if current else INK,
        )
        for index in range(DAYS_PER_WEEK):
            day = data.start_date + timedelta(days=row * DAYS_PER_WEEK + index)
            minutes = data.minutes.get(day, 0)
            shade = level(minutes, data.standard_minutes)
            x = GRID_LEFT + column * index
            inset = 0.03
            box = (x + inset, top + inset, column - 2 * inset, CELL_HEIGHT - 2 * inset)
            if day > data.today:
                sheet.rect(*box, FUTURE, GRID)
            elif day in data.paused and not minutes:
                sheet.rect(*box, PAUSED, PAUSED_EDGE, hatch="////")
            else:
                sheet.rect(*box, LEVELS[shade])
            if day == data.today:
                sheet.rect(
                    x + 0.01, top + 0.01, column - 0.02, CELL_HEIGHT - 0.02, "none", TODAY, lw=1.8
                )
            if minutes:
                sheet.text(
                    x + column / 2,
                    top + CELL_HEIGHT / 2,
                    str(minutes),
                    size=7,
                    color="white" if shade >= 2 else INK,
                    ha="center",
                )
    y += weeks * CELL_HEIGHT + 0.22
    # The legend: less … more, then paused and today.
    size = 0.16
    x = GRID_LEFT + 0.35
    sheet.text(x - 0.06, y, t(language, "pictures.less"), size=7.5, color=MUTED, ha="right")
    for color in LEVELS:
        sheet.rect(x, y - size / 2, size, size, color)
        x += size + 0.06
    sheet.text(x, y, t(language, "pictures.more"), size=7.5, color=MUTED)
    x = GRID_LEFT + 2.15
    sheet.rect(x, y - size / 2, size, size, PAUSED, PAUSED_EDGE, hatch="////")
    sheet.text(x + size + 0.08, y, t(language, "pictures.paused"), size=7.5, color=MUTED)
    x = GRID_LEFT + 3.25
    sheet.rect(x, y - size / 2, size, size, "white", TODAY, lw=1.4)
    sheet.text(x + size + 0.08, y, t(language, "pictures.today"), size=7.5, color=MUTED)
    return y + 0.4


def _checklist(sheet: Sheet, data: ProgressData, weeks: int, y: float) -> float:
    """Each plan week's checklist as a bar: ticked items out of all."""
    language = data.language
    y = _heading(sheet, y, "pictures.checklist_title", language)
    by_week = {week.number: week for week in data.checklist}
    for number in range(1, weeks + 1):
        middle = y + ROW / 2
        current = number == data.current_week
        sheet.text(
            LEFT,
            middle,
            t(language, "pictures.week_short", week=number),
            size=8,
            color=TODAY if current else INK,
        )
        week = by_week.get(number)
        sheet.rect(BAR_LEFT, middle - 0.09, BAR_WIDTH, 0.18, UNDONE)
        if week is not None and week.total:
            share = min(1.0, week.done / week.total)
            if share:
                sheet.rect(BAR_LEFT, middle - 0.09, BAR_WIDTH * share, 0.18, DONE)
            sheet.text(
                BAR_LEFT + BAR_WIDTH + 0.1,
                middle,
                t(language, "pictures.checklist_value", done=week.done, total=week.total),
                size=8,
                color=DONE if share >= 1 else INK,
            )
        y += ROW
    return y + 0.15


def _quiz(sheet: Sheet, language: str, topics: list[TopicAccuracy], y: float) -> float:
    """Quiz accuracy of each topic, the most answered first."""
    y = _heading(sheet, y, "pictures.quiz_title", language)
    if not topics:
        sheet.text(LEFT, y + ROW / 2, t(language, "pictures.quiz_none"), size=9, color=MUTED)
        return y + ROW + 0.2
    left, width = 1.75, 2.3
    for topic in topics:
        middle = y + ROW / 2
        sheet.text(LEFT, middle, fit(topic.name, 18), size=8)
        sheet.rect(left, middle - 0.09, width, 0.18, UNDONE)
        if topic.share:
            sheet.rect(left, middle - 0.09, width * topic.share, 0.18, QUIZ)
        sheet.text(
            left + width + 0.1,
            middle,
            t(
                language,
                "pictures.quiz_value",
                percent=round(topic.share * 100),
                correct=topic.correct,
                answered=topic.answered,
            ),
            size=8,
        )
        y += ROW
    return y + 0.2
