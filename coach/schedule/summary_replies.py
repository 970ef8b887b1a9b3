"""The weekly summary as replies: the chart as a photo, then the 小结 draft as a document."""

from __future__ import annotations

from coach.messages import t
from coach.pictures.progress import ProgressData, draw_progress
from coach.pictures.weekly import WeeklyChartData, draw_weekly
from coach.replies import Reply
from coach.schedule import render
from coach.schedule.chart import draw_weekly_chart
from coach.schedule.digests import WeeklySummary
from coach.schedule.weekly_draft import weekly_draft


def draft_file_name(summary: WeeklySummary) -> str:
    """`week-02-2026-03-02.md`: the week's number and first day."""
    return f"week-{summary.week.number:02d}-{summary.week.first_day.isoformat()}.md"


def chart_reply(
    summary: WeeklySummary,
    *,
    preface: str | None = None,
    data: WeeklyChartData | None = None,
) -> Reply:
    """The chart with the week's figures as its caption (`preface` first, e.g. lateness).

    `data` (from `coach.schedule.chart.weekly_chart_data`) marks today and the paused days;
    without it the chart shows the week alone. Drawing takes tens of milliseconds of CPU:
    call it off the event loop.
    """
    chart = draw_weekly(data) if data is not None else draw_weekly_chart(summary)
    caption = render.weekly_caption(summary)
    if preface:
        caption = render.clip(f"{preface}\n\n{caption}", render.MAX_CAPTION)
    name = f"week-{summary.week.number:02d}.png"
    return Reply.photo(chart.png, name, caption)


def progress_reply(data: ProgressData) -> Reply:
    """`/progress`'s picture of the whole plan (the weekly summary of the plan's last week
    attaches it). Drawing is slow the first time: call it off the event loop."""
    picture = draw_progress(data)
    return Reply.photo(picture.png, "progress.png", t(data.language, "progress.caption"))


def draft_reply(summary: WeeklySummary) -> Reply:
    """The week's 小结 draft as a `.md` file to paste into the blog."""
    content = weekly_draft(summary).encode("utf-8")
    return Reply.document(content, draft_file_name(summary), render.draft_caption(summary))
