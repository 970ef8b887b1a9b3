"""Writes a plan back as Markdown with the learner's ticks; every other byte stays as it was."""

from __future__ import annotations

from collections.abc import Collection

from coach.plan.parser import StudyPlan


def export_with_ticks(plan: StudyPlan, ticked: Collection[int]) -> str:
    """The plan's own document with `[x]` exactly on the ticked items and `[ ]` on the rest.

    Only the one character between the brackets of an item whose state changed is rewritten;
    an `[X]` the learner wrote stays `[X]` while it is still ticked.
    """
    lines = plan.document.split("\n")
    for item in plan.items:
        wanted = item.index in ticked
        if wanted == item.checked:
            continue
        line = lines[item.line]
        mark = "x" if wanted else " "
        lines[item.line] = line[: item.mark_column] + mark + line[item.mark_column + 1 :]
    return "\n".join(lines)
