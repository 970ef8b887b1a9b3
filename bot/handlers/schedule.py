"""/settings, /week, the buttons of scheduled messages, and the feature's registration."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot import keyboards, schedule_keyboards
from bot.context import CoachApplication, CoachContext
from bot.handling import command_payload, identity, with_session
from bot.weekly import send_chart, send_draft
from coach.blocks import render
from coach.blocks.parsing import ArgumentError
from coach.blocks.service import BlockAlreadyRunning
from coach.messages import t
from coach.schedule import render as schedule_render
from coach.schedule.commands import (
    Pause,
    Resume,
    SetTime,
    SetTimezone,
    ShowSettings,
    SwitchOff,
    parse_settings,
    parse_week,
)
from coach.schedule.digests import WeekRefused
from coach.schedule.service import ScheduleOverview
from jobs import schedule as schedule_jobs
from jobs.blocks import schedule_block_end

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
    application.add_handler(TypeHandler(Update, keep_up), group=1)
    services = application.bot_data.services
    assert services is not None and application.job_queue is not None
    schedule_jobs.start(application.job_queue, services.settings.schedule_tick_seconds)


@with_session
async def settings(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Show or change the schedule: `/settings [nudge|recap|weekly|tz|pause|resume …]`."""
    message = update.effective_message
    assert message
    who = identity(update)
    scheduler = context.services.scheduler
    try:
        request = parse_settings(command_payload(message))
    except ArgumentError as error:
        profile = await context.coach.profile(session, who)
        await session.commit()
        values = dict(error.values)
        if error.key == "schedule.unknown_setting":
            values["usage"] = t(profile.language, "schedule.usage")
        await message.reply_text(t(profile.language, error.key, **values))
        return
    if isinstance(request, ShowSettings):
        overview = await scheduler.overview(session, who)
        await session.commit()
        await message.reply_text(
            schedule_render.settings_overview(overview),
            reply_markup=schedule_keyboards.settings_menu(overview),
        )
        return
    if isinstance(request, SetTimezone):
        changed = await scheduler.set_timezone(session, who, request.name)
        if changed is None:
            profile = await context.coach.profile(session, who)
            await session.commit()
            await message.reply_text(t(profile.language, "tz.invalid", value=request.name[:64]))
            return
        await session.commit()
        _wake(context, changed)
        await message.reply_text(
            t(
                changed.profile.language,
                "schedule.tz_set",
                timezone=changed.profile.timezone,
                local_time=render.local_time(changed.profile, changed.now),
            )
        )
        return
    if isinstance(request, SetTime):
        overview = await scheduler.set_time(session, who, request.kind, request.rule)
        text = schedule_render.time_set(overview, request.kind)
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
    await session.commit()
    _wake(context, overview)
    await message.reply_text(text)


@with_session
async def settings_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """The /settings buttons: open a time picker, pick a time, switch off, pause, resume."""
    query = update.callback_query
    assert query and query.data
    action = schedule_keyboards.parse_settings_action(query.data)
    who = identity(update)
    scheduler = context.services.scheduler
    if action is None:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await query.answer(t(profile.language, "schedule.usage")[:190])
        return
    if action.action == "pick":
        assert action.kind is not None
        profile = await context.coach.profile(session, who)
        await session.commit()
        await query.answer()
        await _edit(
            query,
            schedule_keyboards.picker_text(profile.language, action.kind),
            schedule_keyboards.time_picker(profile.language, action.kind),
        )
        return
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
    await session.commit()
    _wake(context, overview)
    changed = action.action != "menu"
    await query.answer(t(overview.profile.language, "schedule.updated") if changed else None)
    await _edit(
        query,
        schedule_render.settings_overview(overview),
        schedule_keyboards.settings_menu(overview),
    )


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    """Replace the /settings message in place; pressing the current value changes nothing."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


def _wake(context: CoachContext, overview: ScheduleOverview) -> None:
    due = [entry.next_due_at for entry in overview.entries if entry.next_due_at is not None]
    schedule_jobs.wake_at(context, min(due, default=None))


@with_session
async def start_block_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """*Start a 45-minute block* under a nudge or a recap."""
    query = update.callback_query
    assert query
    outcome = await context.coach.start_block(session, identity(update), NUDGE_BLOCK_MINUTES, "")
    await session.commit()
    await query.answer()
    now = context.services.clock.now()
    if isinstance(outcome, BlockAlreadyRunning):
        text = render.block_already_running(outcome.profile, outcome.block, now)
    else:
        schedule_block_end(context, outcome.block)
        text = render.block_started(outcome.profile, outcome.block)
    await context.bot.send_message(
        outcome.profile.chat_id,
        text,
        reply_markup=keyboards.block_controls(outcome.profile.language, outcome.block.id),
    )


@with_session
async def week(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """The weekly summary on demand: `/week`, `/week last`, `/week N`, `/week YYYY-MM-DD`."""
    message = update.effective_message
    assert message
    profile = await context.coach.profile(session, identity(update))
    try:
        request = parse_week(command_payload(message))
    except ArgumentError as error:
        await session.commit()
        await message.reply_text(t(profile.language, error.key, **error.values))
        return
    summary = await context.services.digests.requested_week(session, profile.user_id, request)
    await session.commit()
    if isinstance(summary, WeekRefused):
        await message.reply_text(t(summary.profile.language, summary.key, **summary.values))
        return
    await send_chart(context.bot, summary)
    await send_draft(context.bot, summary)


async def keep_up(update: Update, context: CoachContext) -> None:
    """Bring the sender's schedule in step with what the update changed (see register)."""
    user = update.effective_user
    services = context.services
    if user is None or not services.scheduler.may_be_out_of_step(user.id, context.learner_changed):
        return
    try:
        async with services.database.session() as session:
            due = await services.scheduler.keep_up(session, user.id)
            await session.commit()
    except Exception:
        services.scheduler.forget_in_step(user.id)
        raise
    schedule_jobs.wake_at(context, due)
