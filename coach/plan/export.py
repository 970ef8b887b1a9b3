"""Writes a plan back as Markdown with the learner's ticks; every other byte stays as it was."""

from __future__ import annotations

from collections.abc import Collection

from coach.plan.parser import StudyPlan

PLAIN_TICK = "[x] "


def export_with_ticks(plan: StudyPlan, ticked: Collection[int]) -> str:
    """The plan's own document with `[x]` exactly on the ticked items and `[ ]` on the rest.

    Only the one character between the brackets of an item whose state changed is rewritten;
    an `[X]` the learner wrote stays `[X]` while it is still ticked. A ticked plain bullet
    (`- Read the paper`) gets a box (`- [x] Read the paper`); unticked, it stays as written.
    """
    lines = plan.document.split("\n")
    # Right to left, so an insertion never moves a column still to be edited on its line.
    for item in sorted(plan.items, key=lambda i: (i.line, i.mark_column), reverse=True):
        wanted = item.index in ticked
        if wanted == item.checked:
            continue
        line = lines[item.line]
        column = item.mark_column
        if item.boxed:
            mark = "x" if wanted else " "
            lines[item.line] = line[:column] + mark + line[column + 1 :]
        else:
            lines[item.line] = line[:column] + PLAIN_TICK + line[column:]
    return "\n".join(lines)
