"""The plan's replies in the learner's language."""

from __future__ import annotations

from datetime import timedelta

from coach.messages import t
from coach.plan.parser import ChecklistItem
from coach.plan.planner import (
    ItemChecked,
    NoSuchItem,
    NoSuchWeek,
    PlanImported,
    TodaySuggestion,
    WeekView,
)
from coach.plan.weeks import DAYS_PER_WEEK
from coach.text import join_clauses, join_list

MAX_ITEM_TEXT = 160
MAX_MESSAGE = 4000
NESTED_INDENT = "    "
DETAIL_INDENT = "  "


def week(view: WeekView) -> str:
    """`/plan`: the week's dates, theme, goal, checklist with progress, and how to tick."""
    language = view.profile.language
    plan_week = view.week
    lines = [
        t(
            language,
            "plan.week_header",
            week=view.number,
            weeks=view.last_week,
            title=plan_week.title or plan_week.theme,
            start=view.start.isoformat(),
            end=view.end.isoformat(),
        )
    ]
    lines.append(_status(view))
    if plan_week.theme and plan_week.theme != plan_week.title:
        lines.append(t(language, "plan.theme", theme=plan_week.theme))
    if plan_week.goal:
        lines.append(
            t(
                language,
                "plan.goal",
                goal=join_clauses(language, plan_week.goal.splitlines()),
            )
        )
    if plan_week.deliverable:
        lines.append(t(language, "plan.deliverable", deliverable=plan_week.deliverable))
    lines.append("")
    if plan_week.items:
        lines.append(t(language, "plan.progress", done=view.done, total=view.total))
        lines.extend(checklist(view))
        if view.done == view.total:
            lines.append(t(language, "plan.week_complete"))
    else:
        lines.append(t(language, "plan.no_items"))
    lines.append("")
    if view.imported:
        lines.append(t(language, "plan.source_imported", file=view.file_name or "plan.md"))
    else:
        lines.append(t(language, "plan.source_default"))
    lines.append(t(language, "plan.footer"))
    return _fit("\n".join(lines))


def checklist(view: WeekView) -> list[str]:
    """The week's items, numbered for /check, nested ones indented."""
    return [
        f"{NESTED_INDENT * item.depth}{'✅' if view.is_ticked(item) else '⬜'} "
        f"{position}. {_short(item.text)}"
        for position, item in enumerate(view.week.items, 1)
    ]


def _status(view: WeekView) -> str:
    language = view.profile.language
    if view.current_week == 0:
        days = (view.start_date - view.today).days
        return t(language, "plan.status_before", date=view.start_date.isoformat(), days=days)
    if view.current_week > view.last_week:
        end = view.start_date + timedelta(days=DAYS_PER_WEEK * view.last_week - 1)
        return t(language, "plan.status_after", weeks=view.last_week, date=end.isoformat())
    if view.day is not None:
        return t(language, "plan.status_current", day=view.day)
    key = "plan.status_past" if view.end < view.today else "plan.status_future"
    return t(language, key)


def today(suggestion: TodaySuggestion, due_reviews: int) -> str:
    """`/today`: the week and day, today's item with its details, and reviews due."""
    view, item = suggestion.view, suggestion.item
    language = view.profile.language
    title = view.week.title or view.week.theme
    if suggestion.before_start:
        head = t(
            language,
            "today.header_before",
            date=suggestion.state.start_date.isoformat(),
            week=view.number,
            title=title,
        )
    elif suggestion.after_end:
        head = t(language, "today.header_after", title=title)
    else:
        head = t(language, "today.header_current", week=view.number, day=view.day, title=title)
    lines = [head]
    if item is not None:
        number = view.position(item)
        if item.date is not None and item.date == suggestion.state.today:
            lines.append(
                t(
                    language,
                    "today.item_dated",
                    date=item.date.isoformat(),
                    number=number,
                    item=_short(item.text),
                )
            )
        else:
            lines.append(t(language, "today.item", number=number, item=_short(item.text)))
        lines.extend(details(item))
        lines.append(t(language, "today.check_hint", number=number))
    elif view.number < view.last_week:
        lines.append(t(language, "today.all_done", next=view.number + 1))
    else:
        lines.append(t(language, "today.all_done_last"))
    if due_reviews:
        lines.append(t(language, "today.due", count=due_reviews))
    return _fit("\n".join(lines))


def details(item: ChecklistItem) -> list[str]:
    """The lines under an item, each sub-bullet indented under the one it belongs to."""
    return [f"{DETAIL_INDENT * (depth + 1)}· {_short(text)}" for depth, text in item.outline]


def checked(outcome: ItemChecked) -> str:
    """The reply to `/check N`."""
    view, item = outcome.view, outcome.item
    language = view.profile.language
    number = view.position(item)
    if not outcome.ticked:
        return t(
            language, "plan.unchecked", item=_short(item.text), done=view.done, total=view.total
        )
    if not outcome.changed:
        return t(language, "plan.already_checked", number=number, item=_short(item.text))
    text = t(
        language,
        "plan.checked",
        number=number,
        item=_short(item.text),
        done=view.done,
        total=view.total,
    )
    if view.done == view.total:
        text += "\n" + t(language, "plan.week_complete")
    return text


def no_such_item(outcome: NoSuchItem) -> str:
    """`/check` with a number the week does not have."""
    view = outcome.view
    if not view.total:
        return t(view.profile.language, "plan.no_items")
    if not outcome.position:
        return t(view.profile.language, "plan.check_usage", total=view.total)
    return t(view.profile.language, "plan.no_such_item", value=outcome.position, total=view.total)


def no_such_week(outcome: NoSuchWeek) -> str:
    """`/plan N` for a week the plan does not have."""
    weeks = join_list(outcome.profile.language, [str(number) for number in outcome.weeks])
    return t(outcome.profile.language, "plan.no_such_week", week=outcome.number, weeks=weeks)


def imported(outcome: PlanImported) -> str:
    """The reply to an imported plan: what was found in it."""
    state = outcome.state
    language = state.profile.language
    plan = state.plan
    summary = t(
        language,
        "plan.imported",
        title=plan.title or state.file_name or "plan.md",
        weeks=len(plan.weeks),
        items=len(plan.items),
        ticked=len(state.ticked),
        start=state.start_date.isoformat(),
    )
    if outcome.kept or outcome.reset:
        summary += "\n" + t(language, "plan.ticks_carried", kept=outcome.kept, reset=outcome.reset)
    if outcome.preparation_week:
        summary += "\n" + t(language, "plan.preparation_week")
    weeks = "\n".join(
        f"{plan_week.number}. {_short(plan_week.title or plan_week.theme)} ({len(plan_week.items)})"
        for plan_week in plan.weeks
    )
    return _fit(summary + "\n\n" + t(language, "plan.imported_weeks", weeks=weeks))


def _short(text: str) -> str:
    return text if len(text) <= MAX_ITEM_TEXT else text[: MAX_ITEM_TEXT - 1] + "…"


def _fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
