"""Sending a weekly summary: the bar chart as a photo, then the Markdown draft as a document."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Message
from telegram.ext import ExtBot

from coach.schedule import render as schedule_render
from coach.schedule.digests import WeeklySummary
from coach.schedule.weekly_chart import draw_weekly_chart
from coach.schedule.weekly_draft import weekly_draft


def draft_file_name(summary: WeeklySummary) -> str:
    """`week-02-2026-03-02.md`: the week's number and first day."""
    return f"week-{summary.week.number:02d}-{summary.week.first_day.isoformat()}.md"


async def send_chart(
    bot: ExtBot[int], summary: WeeklySummary, *, preface: str | None = None
) -> Message:
    """The chart with the week's figures as its caption (`preface` goes first, e.g. lateness)."""
    chart = await asyncio.to_thread(draw_weekly_chart, summary)
    caption = schedule_render.weekly_caption(summary)
    if preface:
        caption = schedule_render.clip(f"{preface}\n\n{caption}", schedule_render.MAX_CAPTION)
    return await bot.send_photo(
        summary.profile.chat_id,
        InputFile(chart.png, filename=f"week-{summary.week.number:02d}.png"),
        caption=caption,
    )


async def send_draft(bot: ExtBot[int], summary: WeeklySummary) -> Message:
    """The week's 小结 draft as a `.md` file to paste into the blog."""
    return await bot.send_document(
        summary.profile.chat_id,
        InputFile(weekly_draft(summary).encode("utf-8"), filename=draft_file_name(summary)),
        caption=schedule_render.draft_caption(summary),
    )
