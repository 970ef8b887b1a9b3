"""The tick buttons under `/plan` and the callback data they carry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.plan.planner import WeekView
from coach.replies import Button, Keyboard, keyboard

PLAN_PATTERN = re.compile(r"^pln:(\d{1,9}):(\d{1,6})$")
MAX_BUTTON_TEXT = 40
MAX_BUTTONS = 60


@dataclass(frozen=True)
class PlanTickPress:
    """A press on an item's button: the plan revision it was drawn for and the item."""

    revision: int
    item_index: int


def plan_checklist(view: WeekView) -> Keyboard | None:
    """One button per checklist item; pressing it ticks or unticks the item."""
    rows = []
    for position, item in enumerate(view.week.items[:MAX_BUTTONS], 1):
        mark = "✅" if view.is_ticked(item) else "⬜"
        text = f"{mark} {position}. {item.text}"
        if len(text) > MAX_BUTTON_TEXT:
            text = text[: MAX_BUTTON_TEXT - 1] + "…"
        data = f"pln:{view.revision}:{item.index}"
        rows.append([Button(text, data)])
    return keyboard(rows) if rows else None


def parse_plan_press(data: str) -> PlanTickPress | None:
    """Read tick button data; None if it was not ours."""
    match = PLAN_PATTERN.match(data)
    return PlanTickPress(int(match.group(1)), int(match.group(2))) if match else None
