"""The words drawn into pictures, in the learner's language (from `coach.catalogs.pictures`)."""

from __future__ import annotations

import unicodedata
from datetime import date

from coach.messages import normalize_language, t
from coach.pictures.fonts import drawable


def plural(language: str, key: str, count: int, **values: object) -> str:
    """A counted phrase in the catalog's plural forms, by CLDR rules: "1 block", "2 blocks"."""
    return t(language, key, count=count, **values)


def weekday(language: str, day: date, *, short: bool = False) -> str:
    """周一 / Mon."""
    key = "pictures.weekdays_short" if short else "pictures.weekdays"
    return t(language, key).split()[day.weekday()]


def month_day(language: str, day: date) -> str:
    """3月2日 / Mar 2."""
    month = t(language, "pictures.months").split()[day.month - 1]
    return t(language, "pictures.month_day", month=month, day=day.day)


def language_of(value: str | None) -> str:
    """zh or en."""
    return normalize_language(value)


def fit(text: str, width: int) -> str:
    """`text` on one line within `width` columns (a wide CJK character takes two), with "…".

    Characters the font cannot draw are left out first (see `fonts.drawable`).
    """
    text = " ".join(drawable(text).split())
    used = 0
    for position, ch in enumerate(text):
        used += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used > width:
            return text[: max(0, position - 1)].rstrip() + "…"
    return text
