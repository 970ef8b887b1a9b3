"""The week's Markdown draft in the plan's own format, prefilled from the recaps and notes.

The seed plan ends each week with

    ## Week 1 小结
    - 完成了：…
    - 仍然困惑：…
    - 下周想补充：…

Lines of the week's recaps and notes that sound like a question go to 仍然困惑, lines about
next week to 下周想补充, and everything else stays under 完成了, one sub-item per block or note,
so the learner only trims and pastes.
"""

from __future__ import annotations

from coach.messages import t
from coach.schedule.digests import WeeklySummary
from coach.schedule.render import join
from coach.text import join_clauses

_CONFUSED = (
    "困惑",
    "不懂",
    "不明白",
    "没搞懂",
    "没懂",
    "搞不清",
    "疑问",
    "为什么",
    "?",
    "？",
    "confus",
    "unclear",
    "don't understand",
    "not sure",
)
_NEXT = ("下周", "接下来", "想补充", "待办", "todo", "next week", "next time")
MAX_TOPICS = 8


def _is_confused(line: str) -> bool:
    lowered = line.lower()
    return any(marker in lowered for marker in _CONFUSED)


def _is_next(line: str) -> bool:
    lowered = line.lower()
    return any(marker in lowered for marker in _NEXT)


def weekly_draft(summary: WeeklySummary) -> str:
    """The Markdown text of the week's 小结 draft."""
    language = summary.profile.language
    colon = "：" if language == "zh" else ": "
    confused: list[str] = []
    upcoming: list[str] = []
    details: list[str] = []

    def sort_out(prefix: str, text: str) -> None:
        kept = []
        for raw in text.splitlines():
            line = raw.strip().lstrip("-•*").strip()
            if not line:
                continue
            if _is_confused(line):
                confused.append(line)
            elif _is_next(line):
                upcoming.append(line)
            else:
                kept.append(line)
        if kept:
            details.append(f"  - {prefix}{colon}{join_clauses(language, kept)}")

    for block in summary.blocks:
        topic = block.topic or t(language, "block.default_topic")
        if block.recap:
            sort_out(f"{block.local_date:%m-%d} {topic}", block.recap)
    for note in summary.notes:
        sort_out(f"{note.local_date:%m-%d} {t(language, 'schedule.draft_note')}", note.text)

    placeholder = t(language, "schedule.draft_placeholder")
    lines = [
        t(language, "schedule.draft_heading", week=summary.week.number),
        t(language, "schedule.draft_done", summary=_done_summary(summary)),
        *details,
        *_section_items(summary),
        t(
            language,
            "schedule.draft_confused",
            text=join_clauses(language, confused) or placeholder,
        ),
        t(language, "schedule.draft_next", text=join_clauses(language, upcoming) or placeholder),
    ]
    demo = summary.sections.demo_record
    if demo is not None and demo.markdown:
        lines += ["", demo.markdown.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _done_summary(summary: WeeklySummary) -> str:
    language = summary.profile.language
    if not summary.blocks:
        return t(language, "schedule.draft_done_none")
    topics: list[str] = []
    for block in summary.blocks:
        if block.topic and block.topic not in topics:
            topics.append(block.topic)
    shown = join(language, topics[:MAX_TOPICS]) or t(language, "block.default_topic")
    if len(topics) > MAX_TOPICS:
        shown += "…"
    return t(
        language,
        "schedule.draft_done_summary",
        blocks=summary.total_blocks,
        minutes=summary.total_minutes,
        topics=shown,
    )


def _section_items(summary: WeeklySummary) -> list[str]:
    """Sub-items for what other features add (plan checklist, quizzes, demos), when present."""
    language = summary.profile.language
    sections = summary.sections
    items = []
    if sections.plan_progress is not None:
        progress = sections.plan_progress
        items.append(t(language, "schedule.draft_plan", done=progress.done, total=progress.total))
    if sections.quiz_accuracy is not None and sections.quiz_accuracy.answered:
        quiz = sections.quiz_accuracy
        items.append(
            t(
                language,
                "schedule.draft_quiz",
                percent=round(100 * quiz.correct / quiz.answered),
                correct=quiz.correct,
                answered=quiz.answered,
            )
        )
    if sections.demo_record is not None:
        items.extend(
            t(language, "schedule.draft_demo", entry=entry)
            for entry in sections.demo_record.entries
        )
    return [f"  - {item}" for item in items]
