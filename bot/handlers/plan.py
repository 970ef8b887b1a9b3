"""/plan, /today, /check, the tick buttons, and plan documents sent to the bot."""

from __future__ import annotations

import logging
from datetime import date

from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handling import Decided, Turn, handler
from coach.messages import t
from coach.plan import render
from coach.plan.keyboard import PLAN_PATTERN, parse_plan_press, plan_checklist
from coach.plan.parser import PlanParseError
from coach.plan.planner import MAX_PLAN_BYTES, ItemChecked, NoSuchWeek, StalePlan
from coach.quiz.quizzer import due_review_count
from coach.replies import Answer, Refusal, Reply
from jobs.context import CoachApplication

log = logging.getLogger(__name__)

MARKDOWN_DOCUMENTS = (
    filters.Document.FileExtension("md")
    | filters.Document.FileExtension("markdown")
    | filters.Document.MimeType("text/markdown")
    | filters.Document.MimeType("text/x-markdown")
)


@handler
async def plan_command(turn: Turn) -> Reply | str:
    """`/plan`, `/plan N`, `/plan start YYYY-MM-DD`, `/plan export`."""
    planner = turn.services.planner
    words = turn.payload.split()
    action = words[0].lower() if words else ""
    if action in ("", "week") or (action.isdigit() and len(words) == 1):
        number = int(action) if action.isdigit() else None
        view = await planner.week(turn.session, turn.who, number)
        if isinstance(view, NoSuchWeek):
            return render.no_such_week(view)
        return Reply(render.week(view), keyboard=plan_checklist(view))
    if action == "start" and len(words) == 2:
        return await _set_start(turn, words[1])
    if action == "export" and len(words) == 1:
        exported = await planner.export(turn.session, turn.who)
        caption = t(
            exported.profile.language,
            "plan.export_caption",
            done=exported.done,
            total=exported.total,
        )
        return Reply.document(exported.content, exported.file_name, caption)
    raise Refusal("plan.usage")


async def _set_start(turn: Turn, value: str) -> str:
    try:
        start = date.fromisoformat(value)
    except ValueError:
        raise Refusal("plan.bad_date", value=value[:32]) from None
    state = await turn.services.planner.set_start(turn.session, turn.who, start)
    language = state.profile.language
    if state.current_week == 0:
        days = (state.start_date - state.today).days
        return t(language, "plan.start_set_future", date=start.isoformat(), days=days)
    if state.current_week > state.plan.last_week:
        return t(
            language, "plan.start_set_after", date=start.isoformat(), weeks=state.plan.last_week
        )
    return t(language, "plan.start_set", date=start.isoformat(), week=state.current_week)


@handler
async def today_command(turn: Turn) -> str:
    """`/today`: today's suggested item of this week, and reviews due."""
    suggestion = await turn.services.planner.today(turn.session, turn.who)
    due = await due_review_count(
        turn.session, suggestion.state.profile.user_id, turn.services.clock.now()
    )
    return render.today(suggestion, due)


@handler
async def check_command(turn: Turn) -> str:
    """`/check N`: tick item N of this week's checklist."""
    outcome = await turn.services.planner.check(turn.session, turn.who, turn.payload)
    if isinstance(outcome, ItemChecked):
        return render.checked(outcome)
    return render.no_such_item(outcome)


@handler
async def plan_button(turn: Turn) -> Answer:
    """A checklist item's button under `/plan`: tick or untick it and redraw the week."""
    press = parse_plan_press(turn.data)
    assert press, "the handler pattern only lets plan buttons through"
    planner = turn.services.planner
    outcome = await planner.toggle(turn.session, turn.who, press.revision, press.item_index)
    if isinstance(outcome, StalePlan):
        view = await planner.week(turn.session, turn.who)
        assert not isinstance(view, NoSuchWeek)
        stale = t(outcome.state.profile.language, "plan.stale")
        redrawn = Reply(f"{stale}\n\n{render.week(view)}", keyboard=plan_checklist(view))
        return Answer(replies=(redrawn,), toast=stale)
    # Edited in place; a message too old to edit gets the week afresh.
    week = Reply(render.week(outcome.view), keyboard=plan_checklist(outcome.view))
    return Answer(toast=render.checked(outcome)[:200], edit=week)


@handler
async def plan_document(turn: Turn) -> Decided:
    """A Markdown document: import it as the learner's plan."""
    document = turn.message.document
    assert document
    if document.file_size is not None and document.file_size > MAX_PLAN_BYTES:
        size = -(-document.file_size // 1024)
        raise Refusal("plan.too_large_found", size=size, limit=MAX_PLAN_BYTES // 1024)
    await turn.pause_for_slow_io()
    try:
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        log.warning("could not download plan document %s", document.file_id, exc_info=True)
        data = None
    if not await turn.resume():
        return None
    if data is None:
        raise Refusal("plan.download_failed")
    try:
        imported = await turn.services.planner.import_document(
            turn.session, turn.who, document.file_name or "plan.md", data
        )
    except PlanParseError as error:
        raise Refusal(error.key, **error.values) from None
    return render.imported(imported)


@handler
async def other_document(turn: Turn) -> Answer:
    """A text document that is not Markdown: say which files can be imported."""
    return await turn.say("plan.not_markdown")


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
