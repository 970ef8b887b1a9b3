"""The week's Markdown draft in the plan's own format and language, prefilled from the recaps
and notes.

The seed plan ends each week with

    ## Week 1 小结
    - 完成了：…
    - 仍然困惑：…
    - 下周想补充：…

The heading and labels are the plan's (`coach.plan.summary_format`), in the language the plan
is written in, whatever the learner's interface language. Each recap and note is split into
clauses (lines and sentences); clauses that express confusion (还有点晕, 不太懂, confused, a
question, …) go to 仍然困惑, those about next week to 下周想补充, and the rest stay under
完成了, one sub-item per block or note, so the learner only trims and pastes.
"""

from __future__ import annotations

import re

from coach.blocks.recaps import is_question
from coach.messages import t
from coach.plan.summary_format import EN, ZH, SummaryFormat
from coach.schedule.digests import WeeklySummary
from coach.schedule.render import join
from coach.text import join_clauses

_CONFUSED = (
    "困惑",
    "不懂",
    "不太懂",
    "不明白",
    "不太明白",
    "不清楚",
    "没搞懂",
    "没懂",
    "没看懂",
    "搞不清",
    "有点晕",
    "还晕",
    "很晕",
    "晕",
    "卡住",
    "疑问",
    "为什么",
    "?",
    "？",
    "confus",
    "unclear",
    "don't understand",
    "do not understand",
    "don't get",
    "didn't get",
    "not sure",
    "lost on",
    "stuck",
)
_NEXT = ("下周", "接下来", "想补充", "待办", "todo", "next week", "next time")
# Clauses end at a line break or at a Chinese full stop or semicolon (or "; ").
_CLAUSES = re.compile(r"\n|[。；]|;\s")
MAX_TOPICS = 8


def _is_confused(line: str) -> bool:
    lowered = line.lower()
    return any(marker in lowered for marker in _CONFUSED) or is_question(line)


def _is_next(line: str) -> bool:
    lowered = line.lower()
    return any(marker in lowered for marker in _NEXT)


def _clauses(text: str) -> list[str]:
    clauses = []
    for raw in _CLAUSES.split(text):
        clause = raw.strip().lstrip("-•*").strip()
        if clause:
            clauses.append(clause)
    return clauses


def plan_format(summary: WeeklySummary) -> SummaryFormat:
    """The format the draft follows: the plan's, else the learner's language's default."""
    if summary.plan_format is not None:
        return summary.plan_format
    return ZH if summary.profile.language == "zh" else EN


def weekly_draft(summary: WeeklySummary) -> str:
    """The Markdown text of the week's 小结 draft."""
    form = plan_format(summary)
    language = form.language
    colon = form.colon
    confused: list[str] = []
    upcoming: list[str] = []
    details: list[str] = []

    def sort_out(prefix: str, text: str) -> None:
        kept = []
        for clause in _clauses(text):
            if _is_confused(clause):
                confused.append(clause)
            elif _is_next(clause):
                upcoming.append(clause)
            else:
                kept.append(clause)
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
        form.heading(summary.week.number),
        f"- {form.done}{colon}{_done_summary(summary, language)}",
        *details,
        *_section_items(summary, language),
        f"- {form.confused}{colon}{join_clauses(language, confused) or placeholder}",
        f"- {form.upcoming}{colon}{join_clauses(language, upcoming) or placeholder}",
    ]
    demo = summary.sections.demo_record
    if demo is not None and demo.markdown:
        lines += ["", demo.markdown.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _done_summary(summary: WeeklySummary, language: str) -> str:
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


def _section_items(summary: WeeklySummary, language: str) -> list[str]:
    """Sub-items for what other features add (plan checklist, quizzes, demos), when present."""
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
