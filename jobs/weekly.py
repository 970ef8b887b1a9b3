"""Sending a weekly summary: the bar chart as a photo, then the Markdown draft as a document."""

from __future__ import annotations

import asyncio

from telegram import Message
from telegram.ext import ExtBot

from coach.pictures.progress import ProgressData
from coach.pictures.weekly import WeeklyChartData
from coach.schedule.digests import WeeklySummary
from coach.schedule.summary_replies import chart_reply, draft_reply, progress_reply
from jobs.telegram_out import send_reply


async def send_chart(
    bot: ExtBot[int],
    summary: WeeklySummary,
    *,
    preface: str | None = None,
    data: WeeklyChartData | None = None,
) -> Message:
    """The chart with the week's figures as its caption (`preface` goes first, e.g. lateness);
    `data` marks today, the paused days and the learner's standard."""
    reply = await asyncio.to_thread(chart_reply, summary, preface=preface, data=data)
    return await send_reply(bot, summary.profile.chat_id, reply)


async def send_draft(bot: ExtBot[int], summary: WeeklySummary) -> Message:
    """The week's 小结 draft as a `.md` file to paste into the blog."""
    return await send_reply(bot, summary.profile.chat_id, draft_reply(summary))


async def send_progress(bot: ExtBot[int], chat_id: int, data: ProgressData) -> Message:
    """`/progress`'s picture, attached to the summary of the plan's last week."""
    reply = await asyncio.to_thread(progress_reply, data)
    return await send_reply(bot, chat_id, reply)
