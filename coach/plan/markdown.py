"""Small Markdown helpers the plan parser needs: inline markup to plain text, week references."""

from __future__ import annotations

import re
from datetime import date

# "第 1 周", "第5–6周", "第 五 周", "第十二周", "Week 3", "Week 03", "Weeks 5-6", "week 5 & 6".
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,4})"
_RANGE_DASH = r"\s*(?:[-–—~～至到]|&|and|to)\s*"
WEEK_REFERENCE = re.compile(
    rf"第\s*(?P<cn_first>{_NUMBER})(?:{_RANGE_DASH}(?:第\s*)?(?P<cn_last>{_NUMBER}))?\s*周"
    rf"|(?<![A-Za-z])weeks?\s*(?P<en_first>\d{{1,3}})"
    rf"(?:{_RANGE_DASH}(?:weeks?\s*)?(?P<en_last>\d{{1,3}}))?(?!\d)",
    re.IGNORECASE,
)
# "Day 1–2", "Day 7", "Day 01", "第 3–4 天".
DAY_REFERENCE = re.compile(
    rf"(?<![A-Za-z])day\s*(?P<en_first>0?\d)(?:{_RANGE_DASH}(?P<en_last>0?\d))?(?!\d)"
    rf"|第\s*(?P<cn_first>{_NUMBER})(?:{_RANGE_DASH}(?P<cn_last>{_NUMBER}))?\s*天",
    re.IGNORECASE,
)
# Kramdown attribute lists and extensions (`{: .prompt-info}`, `{:toc}`, `{::nomarkdown}`)
# and header ids or classes (`{#week-1}`, `{.note}`).
KRAMDOWN_ATTRIBUTES = re.compile(r"\{(?::|#[\w-]|\.[\w-])[^{}]*\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Text without any of these characters has no inline markup to remove.
_MARKUP = re.compile(r"[*_~`\[<{]")


def chinese_number(text: str) -> int | None:
    """Read `12`, `012` or `十二`/`五`/`零`/`一百` (up to 199); None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(char not in _CN_DIGITS and char not in "十百" for char in text):
        return None
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        if hundreds not in ("", "一") or "百" in rest:
            return None
        rest = rest.removeprefix("零").removeprefix("〇")
        tail = chinese_number(rest) if rest else 0
        return None if tail is None else 100 + tail
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _span(match: re.Match[str], lowest: int) -> tuple[int, int] | None:
    first = match.group("cn_first") or match.group("en_first")
    last = match.group("cn_last") or match.group("en_last")
    start = chinese_number(first)
    end = chinese_number(last) if last else start
    if start is None or end is None or not lowest <= start <= end:
        return None
    return start, end


def week_span(text: str) -> tuple[tuple[int, int], re.Match[str]] | None:
    """The first week reference in `text` as (first, last) week and where it was found.

    Week 0 is a real week (a preparation week). A phase may span up to a year of weeks
    (`Weeks 9–20`); a wider "range" is more likely a number in the title (`Week 3 - 100 tips`).
    """
    for match in WEEK_REFERENCE.finditer(text):
        span = _span(match, 0)
        if span is not None and span[1] - span[0] <= MAX_RANGE_WEEKS:
            return span, match
    return None


def day_span(text: str) -> tuple[int, int] | None:
    """The first day reference (`Day 1–2`, `Day 01`, `第 3 天`) in `text`."""
    for match in DAY_REFERENCE.finditer(text):
        span = _span(match, 1)
        if span is not None and span[1] - span[0] < 7:
            return span
    return None


# "2024-08-05", "2024/8/5", "2024.08.05", "2024年8月5日".
MAX_RANGE_WEEKS = 52
_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)(?:[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"|年\s*(?P<cn_month>\d{1,2})\s*月\s*(?P<cn_day>\d{1,2})\s*[日号])(?!\d)"
)


def date_in(text: str) -> date | None:
    """The first calendar date written in `text` (`2024-08-05`, `2024年8月5日`), if any."""
    for match in _DATE.finditer(text):
        month = match.group("month") or match.group("cn_month")
        day = match.group("day") or match.group("cn_day")
        try:
            return date(int(match.group("year")), int(month), int(day))
        except ValueError:
            continue
    return None


def plain_inline(text: str) -> str:
    """Inline Markdown as the reader sees it: no emphasis markers, links as their text."""
    if _MARKUP.search(text) is None:
        return " ".join(text.split())
    text = KRAMDOWN_ATTRIBUTES.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    for _ in range(3):  # nested emphasis such as ***bold italic***
        before = text
        text = _EMPHASIS.sub(r"\2", text)
        text = _SINGLE_EMPHASIS.sub(r"\2", text)
        if text == before:
            break
    return " ".join(text.split())
