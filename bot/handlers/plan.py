"""/plan, /today, /check, the tick buttons, and plan documents sent to the bot."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import CoachApplication, CoachContext
from bot.handling import (
    command_payload,
    identity,
    pause_for_slow_io,
    reclaim_update,
    with_session,
)
from bot.plan_keyboard import PLAN_PATTERN, parse_plan_press, plan_checklist
from coach.messages import t
from coach.plan import render
from coach.plan.parser import PlanParseError
from coach.plan.planner import MAX_PLAN_BYTES, ItemChecked, NoSuchWeek, StalePlan
from db.study_repositories import QuizRepository

log = logging.getLogger(__name__)

MARKDOWN_DOCUMENTS = (
    filters.Document.FileExtension("md")
    | filters.Document.FileExtension("markdown")
    | filters.Document.MimeType("text/markdown")
    | filters.Document.MimeType("text/x-markdown")
)


@with_session
async def plan_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """`/plan`, `/plan N`, `/plan start YYYY-MM-DD`, `/plan export`."""
    message = update.effective_message
    assert message
    who = identity(update)
    planner = context.services.planner
    words = command_payload(message).split()
    action = words[0].lower() if words else ""
    if action in ("", "week") or (action.isdigit() and len(words) == 1):
        number = int(action) if action.isdigit() else None
        view = await planner.week(session, who, number)
        await session.commit()
        if isinstance(view, NoSuchWeek):
            await message.reply_text(render.no_such_week(view))
            return
        await message.reply_text(render.week(view), reply_markup=plan_checklist(view))
        return
    if action == "start" and len(words) == 2:
        await _set_start(update, context, session, words[1])
        return
    if action == "export" and len(words) == 1:
        exported = await planner.export(session, who)
        await session.commit()
        await message.reply_document(
            InputFile(exported.content, filename=exported.file_name),
            caption=t(
                exported.profile.language,
                "plan.export_caption",
                done=exported.done,
                total=exported.total,
            ),
        )
        return
    profile = await context.coach.profile(session, who)
    await session.commit()
    await message.reply_text(t(profile.language, "plan.usage"))


async def _set_start(
    update: Update, context: CoachContext, session: AsyncSession, value: str
) -> None:
    message = update.effective_message
    assert message
    who = identity(update)
    try:
        start = date.fromisoformat(value)
    except ValueError:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, "plan.bad_date", value=value[:32]))
        return
    state = await context.services.planner.set_start(session, who, start)
    await session.commit()
    language = state.profile.language
    if state.current_week == 0:
        days = (state.start_date - state.today).days
        text = t(language, "plan.start_set_future", date=start.isoformat(), days=days)
    elif state.current_week > state.plan.last_week:
        text = t(
            language, "plan.start_set_after", date=start.isoformat(), weeks=state.plan.last_week
        )
    else:
        text = t(language, "plan.start_set", date=start.isoformat(), week=state.current_week)
    await message.reply_text(text)


@with_session
async def today_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """`/today`: today's suggested item of this week, and reviews due."""
    suggestion = await context.services.planner.today(session, identity(update))
    due = await QuizRepository(session).due_count(
        suggestion.state.profile.user_id, context.services.clock.now()
    )
    await session.commit()
    assert update.effective_message
    await update.effective_message.reply_text(render.today(suggestion, due))


@with_session
async def check_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """`/check N`: tick item N of this week's checklist."""
    message = update.effective_message
    assert message
    outcome = await context.services.planner.check(
        session, identity(update), command_payload(message)
    )
    await session.commit()
    if isinstance(outcome, ItemChecked):
        await message.reply_text(render.checked(outcome))
    else:
        await message.reply_text(render.no_such_item(outcome))


@with_session
async def plan_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A checklist item's button under `/plan`: tick or untick it and redraw the week."""
    query = update.callback_query
    assert query and query.data
    press = parse_plan_press(query.data)
    assert press, "the handler pattern only lets plan buttons through"
    who = identity(update)
    planner = context.services.planner
    outcome = await planner.toggle(session, who, press.revision, press.item_index)
    if isinstance(outcome, StalePlan):
        view = await planner.week(session, who)
        await session.commit()
        assert not isinstance(view, NoSuchWeek)
        language = outcome.state.profile.language
        await query.answer(t(language, "plan.stale"))
        await context.bot.send_message(
            outcome.state.profile.chat_id,
            t(language, "plan.stale") + "\n\n" + render.week(view),
            reply_markup=plan_checklist(view),
        )
        return
    await session.commit()
    await query.answer(render.checked(outcome)[:200])
    markup = plan_checklist(outcome.view)
    try:
        await query.edit_message_text(render.week(outcome.view), reply_markup=markup)
    except BadRequest:
        # Too old or gone to be edited: show the week afresh instead.
        log.info("could not redraw the week in place", exc_info=True)
        await context.bot.send_message(
            outcome.view.profile.chat_id, render.week(outcome.view), reply_markup=markup
        )


@with_session
async def plan_document(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A Markdown document: import it as the learner's plan."""
    message = update.effective_message
    assert message and message.document
    document = message.document
    who = identity(update)
    profile = await context.coach.profile(session, who)
    if document.file_size is not None and document.file_size > MAX_PLAN_BYTES:
        await session.commit()
        await message.reply_text(
            t(profile.language, "plan.too_large", limit=MAX_PLAN_BYTES // 1024)
        )
        return
    await pause_for_slow_io(session)
    try:
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        log.warning("could not download plan document %s", document.file_id, exc_info=True)
        await message.reply_text(t(profile.language, "plan.download_failed"))
        return
    if not await reclaim_update(update, context, session):
        return
    try:
        imported = await context.services.planner.import_document(
            session, who, document.file_name or "plan.md", data
        )
    except PlanParseError as error:
        # The document is read before anything is written: only the update's claim is kept.
        await session.commit()
        await message.reply_text(t(profile.language, error.key, **error.values))
        return
    await session.commit()
    await message.reply_text(render.imported(imported))


@with_session
async def other_document(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A text document that is not Markdown: say which files can be imported."""
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    assert update.effective_message
    await update.effective_message.reply_text(t(profile.language, "plan.not_markdown"))


def register(application: CoachApplication) -> None:
    """Add the plan's commands, buttons and document handlers."""
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("plan", plan_command, filters=new))
    application.add_handler(CommandHandler("today", today_command, filters=new))
    application.add_handler(CommandHandler("check", check_command, filters=new))
    application.add_handler(CallbackQueryHandler(plan_button, pattern=PLAN_PATTERN))
    application.add_handler(MessageHandler(new & MARKDOWN_DOCUMENTS, plan_document))
    # A plan saved as .txt gets a pointer; other documents reach the catch-all reply.
    application.add_handler(
        MessageHandler(new & filters.Document.Category("text/"), other_document)
    )
