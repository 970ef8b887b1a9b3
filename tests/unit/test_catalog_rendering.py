"""Every catalog message, rendered with 0, 1 and 2 for each count, reads right in both languages.

The test walks the whole catalog, so a new message is covered the moment it is added. A new
placeholder name must be listed below as a count or as text: a count gets the plural checks.
"""

from __future__ import annotations

import itertools
import re
import string

import pytest

from coach.messages import CATALOGS, t
from coach.text import is_plural_spec, plural_forms

# Placeholders that hold a number (counts, ordinals, limits).
COUNTS = frozenset(
    {
        "active", "answered", "blocks", "cards", "correct", "count", "current", "day", "days",
        "done", "grants", "hit", "items", "limit", "max", "min", "minutes", "notes", "number",
        "percent", "points", "position", "questions", "remaining", "score", "seconds", "ticked",
        "total", "used", "week", "weeks", "worked", "found", "headings", "kept", "reset", "size",
        "hours", "met", "standard", "month",
    }
)  # fmt: skip
# Placeholders that hold text, with a sample per language; Chinese samples are Chinese, so a
# piece of ASCII punctuation next to a placeholder shows up as next to a CJK character.
TEXTS: dict[str, tuple[str, str]] = {
    "accuracy": ("80%", "80%"),
    "answer": ("注意力是加权平均", "attention is a weighted average"),
    "command": ("/stauts", "/stauts"),
    "date": ("2026-03-09", "2026-03-09"),
    "deliverable": ("一个演示", "a demo"),
    "end": ("21:30", "21:30"),
    "entries": ("猫狗分类", "cat or dog"),
    "entry": ("猫狗分类", "cat or dog"),
    "feedback": ("很好", "good"),
    "file": ("计划.md", "plan.md"),
    "first": ("2026-03-08", "2026-03-08"),
    "goal": ("读懂注意力", "understand attention"),
    "help": ("命令一览", "Commands"),
    "item": ("读论文", "read the paper"),
    "kind": ("nudge", "nudge"),
    "labels": ("猫、狗", "cat, dog"),
    "last": ("2026-03-14", "2026-03-14"),
    "lines": ("猫 90%", "cat 90%"),
    "local_time": ("20:00", "20:00"),
    "model": ("模型", "model"),
    "models": ("模型", "model"),
    "name": ("小明", "Ming"),
    "next": ("明天 08:30", "tomorrow 08:30"),
    "no_caption": ("描述图片", "describe it"),
    "nudge": ("每天 08:30", "daily 08:30"),
    "point": ("缩放", "scaling"),
    "question": ("什么是注意力", "what is attention"),
    "recap": ("学了注意力", "learned attention"),
    "rewards": ("奶茶", "tea"),
    "rule": ("周日 20:00", "Sun 20:00"),
    "start": ("2026-03-08", "2026-03-08"),
    "suggestion": ("读论文", "read the paper"),
    "summary": ("两个块", "two blocks"),
    "text": ("还没懂", "still unsure"),
    "theme": ("注意力", "attention"),
    "time": ("08:30", "08:30"),
    "timezone": ("Asia/Shanghai", "Asia/Shanghai"),
    "title": ("注意力", "Attention"),
    "topic": ("注意力", "attention"),
    "topics": ("注意力", "attention"),
    "usage": ("用法", "Usage"),
    "value": ("周八", "funday"),
    "weekly": ("周日 20:00", "Sun 20:00"),
    "what": ("每日提醒", "morning nudge"),
    "when": ("明天 08:30", "tomorrow 08:30"),
    "data": ("专注块", "focus blocks"),
    "encoding": ("GBK", "GBK"),
    "month": ("3月", "Mar"),
    "explanation": ("注意力是加权平均。", "Attention is a weighted average."),
    "forms": ("猫 | 狗", "cat | dog"),
}
SAMPLE_NUMBERS = (0, 1, 2)

# English nouns that must agree with the count before them.
_SINGULAR = frozenset(
    {
        "block", "day", "minute", "reward", "week", "item", "card", "question", "note", "point",
        "photo", "label", "character", "second", "entry", "hour", "time",
    }
)  # fmt: skip
_PLURAL = frozenset({"entries"} | {noun + "s" for noun in _SINGULAR if noun != "entry"})
# A number not part of a ratio, a range, a time or a date, and the words after it.
_COUNTED = re.compile(r"(?<![\d/.:–\-])\b(\d+)((?: [A-Za-z]+){1,3})")
_CJK = "\u3400-\u9fff"
_ASCII_NEXT_TO_CJK = re.compile(rf"[{_CJK}] ?[,;:()]|[,;:()] ?[{_CJK}]")
_DOUBLED = re.compile(r"[，。；、：,;] *[，。；、：,;]")
# Input the learner types literally, quoted in the help (the parser takes ASCII there).
_LITERAL_INPUT = ("labels: 猫, 狗",)


def _fields(template: str) -> dict[str, str]:
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template) if name}


def _renderings(key: str) -> list[tuple[str, dict[str, object], str]]:
    """(language, values, text) for every combination of 0, 1, 2 in the message's counts."""
    names = sorted(set(_fields(CATALOGS["zh"][key])) | set(_fields(CATALOGS["en"][key])))
    counts = [name for name in names if name in COUNTS]
    out = []
    for language, index in (("zh", 0), ("en", 1)):
        for numbers in itertools.product(SAMPLE_NUMBERS, repeat=len(counts)):
            values: dict[str, object] = {
                name: TEXTS[name][index] for name in names if name not in COUNTS
            }
            values.update(zip(counts, numbers, strict=True))
            out.append((language, values, t(language, key, **values)))
    return out


ALL_KEYS = sorted(CATALOGS["zh"])


def test_every_placeholder_is_known_as_a_count_or_as_text() -> None:
    unknown = {
        name
        for catalog in CATALOGS.values()
        for template in catalog.values()
        for name in _fields(template)
        if name not in COUNTS and name not in TEXTS
    }
    assert not unknown, f"list these placeholders in COUNTS or TEXTS: {sorted(unknown)}"


def test_plural_forms_are_well_formed_and_only_on_counts() -> None:
    for language, catalog in CATALOGS.items():
        for key, template in catalog.items():
            for name, spec in _fields(template).items():
                if spec and is_plural_spec(spec):
                    assert name in COUNTS, f"{language} {key}: {name} is not a count"
                    assert plural_forms(spec)  # raises on a malformed list


@pytest.mark.parametrize("key", ALL_KEYS)
def test_message_renders_cleanly(key: str) -> None:
    for language, values, text in _renderings(key):
        where = f"{language} {key} {values}"
        assert "{" not in text and "}" not in text, f"{where}: leftover braces in {text!r}"
        doubled = _DOUBLED.search(text)
        assert doubled is None, f"{where}: doubled separator {doubled.group()!r} in {text!r}"
        if language == "en":
            for number, words in _COUNTED.findall(text):
                nouns = words.split()
                if number == "1":
                    assert not _PLURAL & set(nouns), f"{where}: '1{words}' in {text!r}"
                    assert "are" not in nouns, f"{where}: '1{words}' in {text!r}"
                else:
                    assert not _SINGULAR & set(nouns[:2]), f"{where}: '{number}{words}'"
        else:
            stripped = text
            for literal in _LITERAL_INPUT:
                stripped = stripped.replace(literal, "")
            ascii_mark = _ASCII_NEXT_TO_CJK.search(stripped)
            assert ascii_mark is None, (
                f"{where}: ASCII punctuation in Chinese {ascii_mark.group()!r} in {text!r}"
            )


def test_english_counts_take_the_cldr_form() -> None:
    assert t("en", "status.streak", days=1) == "Streak: 1 day"
    assert t("en", "status.streak", days=2) == "Streak: 2 days"
    assert t("en", "status.streak", days=0) == "Streak: 0 days"
    assert t("zh", "status.streak", days=1) == "连续达标：1 天"
    assert t("en", "today.due", count=1) == "🧠 1 card is due for review: /quiz"
    assert t("en", "today.due", count=3) == "🧠 3 cards are due for review: /quiz"


def test_the_checks_catch_the_mistakes_they_are_for() -> None:
    # The regexes above must flag the very slips the issue found.
    assert _DOUBLED.search("目标：读论文；；写代码")
    assert _ASCII_NEXT_TO_CJK.search("第 1, 2, 3 周") is None  # digits: caught by the renderers
    assert _ASCII_NEXT_TO_CJK.search("主题: 注意力")
    assert _ASCII_NEXT_TO_CJK.search("完成 (2 项)")
    assert {"blocks"} & set(_COUNTED.findall("40 min in 1 blocks")[1][1].split())
    assert _COUNTED.findall("3/1 items") == []
