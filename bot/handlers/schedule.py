"""/settings, /week, the buttons of scheduled messages, and the feature's registration."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot.handling import Decided, Turn, handler
from coach.blocks import keyboards, render
from coach.blocks.parsing import ArgumentError
from coach.blocks.service import BlockAlreadyRunning
from coach.messages import t
from coach.replies import Answer, Refusal, Reply
from coach.schedule import keyboards as schedule_keyboards
from coach.schedule import render as schedule_render
from coach.schedule.chart import weekly_chart_data
from coach.schedule.commands import (
    Pause,
    Resume,
    SetStandard,
    SetTime,
    SetTimezone,
    ShowSettings,
    SwitchOff,
    parse_settings,
    parse_week,
)
from coach.schedule.digests import WeekRefused
from coach.schedule.service import ScheduleOverview
from coach.schedule.summary_replies import chart_reply, draft_reply
from jobs import schedule as schedule_jobs
from jobs.blocks import schedule_block_end
from jobs.context import CoachApplication
from jobs.schedule import keep_up_after_update

log = logging.getLogger(__name__)

NUDGE_BLOCK_MINUTES = 45


def register(application: CoachApplication) -> None:
    """Add the feature's commands and buttons, and start the scheduling tick."""
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("settings", settings, filters=new))
    application.add_handler(CommandHandler("week", week, filters=new))
    application.add_handler(
        CallbackQueryHandler(settings_button, pattern=schedule_keyboards.SETTINGS_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(start_block_button, pattern=schedule_keyboards.START_BLOCK_PATTERN)
    )
    # After the handlers of group 0 are done with an update: a new learner is enrolled at
    # once, a timezone changed with /timezone moves their firings, a returning one is re-armed.
    application.add_handler(TypeHandler(Update, keep_up_after_update), group=1)
    services = application.bot_data.services
    assert services is not None and application.job_queue is not None
    schedule_jobs.start(application.job_queue, services.settings.schedule_tick_seconds)


@handler
async def settings(turn: Turn) -> Reply | str:
    """Show or change the schedule: `/settings [nudge|recap|weekly|tz|pause|resume …]`."""
    scheduler = turn.services.scheduler
    session, who = turn.session, turn.who
    try:
        request = parse_settings(turn.payload)
    except ArgumentError as error:
        if error.key != "schedule.unknown_setting":
            raise
        language = await turn.language()
        usage = t(language, "schedule.usage")
        return t(language, error.key, **{**error.values, "usage": usage})
    if isinstance(request, ShowSettings):
        overview = await scheduler.overview(session, who)
        return Reply(
            schedule_render.settings_overview(overview),
            keyboard=schedule_keyboards.settings_menu(overview),
        )
    if isinstance(request, SetTimezone):
        changed = await scheduler.set_timezone(session, who, request.name)
        if changed is None:
            raise Refusal("tz.invalid", value=request.name[:64])
        _wake_after_commit(turn, changed)
        return t(
            changed.profile.language,
            "schedule.tz_set",
            timezone=changed.profile.timezone,
            local_time=render.local_time(changed.profile, changed.now),
        )
    if isinstance(request, SetTime):
        overview = await scheduler.set_time(session, who, request.kind, request.rule)
        text = schedule_render.time_set(overview, request.kind)
    elif isinstance(request, SetStandard):
        overview = await scheduler.set_standard(session, who, request.minutes)
        return schedule_render.standard_set(overview)
    elif isinstance(request, SwitchOff):
        overview = await scheduler.switch_off(session, who, request.kind)
        text = schedule_render.switched_off(overview, request.kind)
    elif isinstance(request, Pause):
        overview = await scheduler.pause(session, who, request.days)
        text = schedule_render.paused(overview, request.days)
    else:
        assert isinstance(request, Resume)
        overview, was_paused = await scheduler.resume(session, who)
        text = (
            schedule_render.resumed(overview)
            if was_paused
            else t(overview.profile.language, "schedule.not_paused")
        )
    _wake_after_commit(turn, overview)
    return text


@handler
async def settings_button(turn: Turn) -> Answer:
    """The /settings buttons: open a time picker, pick a time, switch off, pause, resume."""
    action = schedule_keyboards.parse_settings_action(turn.data)
    scheduler = turn.services.scheduler
    session, who = turn.session, turn.who
    if action is None:
        return Answer(toast=t(await turn.language(), "schedule.usage")[:190])
    if action.action == "pick":
        assert action.kind is not None
        language = await turn.language()
        picker = Reply(
            schedule_keyboards.picker_text(language, action.kind),
            keyboard=schedule_keyboards.time_picker(language, action.kind),
        )
        return Answer(edit=picker)
    if action.action == "time":
        assert action.kind is not None and action.rule is not None
        overview = await scheduler.set_time(session, who, action.kind, action.rule)
    elif action.action == "off":
        assert action.kind is not None
        overview = await scheduler.switch_off(session, who, action.kind)
    elif action.action == "pause":
        overview = await scheduler.pause(session, who, action.days)
    elif action.action == "resume":
        overview, _ = await scheduler.resume(session, who)
    else:
        overview = await scheduler.overview(session, who)
    _wake_after_commit(turn, overview)
    changed = action.action != "menu"
    menu = Reply(
        schedule_render.settings_overview(overview),
        keyboard=schedule_keyboards.settings_menu(overview),
    )
    toast = t(overview.profile.language, "schedule.updated") if changed else None
    return Answer(toast=toast, edit=menu)


def _wake_after_commit(turn: Turn, overview: ScheduleOverview) -> None:
    due = [entry.next_due_at for entry in overview.entries if entry.next_due_at is not None]
    soonest = min(due, default=None)
    turn.after_commit(lambda: schedule_jobs.wake_at(turn.context, soonest))


@handler
async def start_block_button(turn: Turn) -> Answer:
    """*Start a 45-minute block* under a nudge or a recap."""
    outcome = await turn.services.coach.start_block(turn.session, turn.who, NUDGE_BLOCK_MINUTES, "")
    now = turn.services.clock.now()
    if isinstance(outcome, BlockAlreadyRunning):
        text = render.block_already_running(outcome.profile, outcome.block, now)
    else:
        started = outcome.block
        turn.after_commit(lambda: schedule_block_end(turn.context, started))
        text = render.block_started(outcome.profile, outcome.block)
    controls = keyboards.block_controls(outcome.profile.language, outcome.block.id)
    return Answer.of(Reply(text, keyboard=controls))


@handler
async def week(turn: Turn) -> Decided:
    """The weekly summary on demand: `/week`, `/week last`, `/week N`, `/week YYYY-MM-DD`."""
    profile = await turn.profile()
    request = parse_week(turn.payload)
    summary = await turn.services.digests.requested_week(turn.session, profile.user_id, request)
    if isinstance(summary, WeekRefused):
        return t(summary.profile.language, summary.key, **summary.values)
    today = turn.services.clock.now().astimezone(profile.zone).date()
    data = await weekly_chart_data(turn.session, summary, today)
    # Drawing takes a while (the first picture loads matplotlib): hold no transaction.
    await turn.pause_for_slow_io()
    chart = await asyncio.to_thread(chart_reply, summary, data=data)
    if not await turn.resume():
        return None
    return Answer.of(chart, draft_reply(summary))
