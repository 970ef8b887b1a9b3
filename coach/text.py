"""Plural forms and lists in the learner's language: the mechanics behind `coach.messages.t`.

Plurals. A catalog entry that shows a count writes the count's forms in the placeholder's
format spec, one per CLDR plural category, with `#` standing for the number:

    "{blocks:one=# block|other=# blocks} done"

Babel's CLDR plural rules pick the category for the number in the catalog's language
(`Locale.plural_form`): English has *one* and *other*, Chinese only *other*, so a Chinese entry
writes the plain `{blocks} 个块`. A category a form list lacks falls back to *other*, which
every form list must have.

Lists. `join_list` joins items of one kind ("第 1、2、3 周", "1, 2, 3") and `join_clauses`
joins clauses ("复习 CNN；写 demo"). Both drop the punctuation an item already ends with,
so no separator is ever doubled; the last item keeps its full stop.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Final, Literal

from babel import Locale

Language = Literal["zh", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en")

PLURAL_CATEGORIES: Final = frozenset({"zero", "one", "two", "few", "many", "other"})
_LOCALES: Final[dict[Language, str]] = {"zh": "zh_Hans", "en": "en"}
# Separators between items and between clauses, per language.
_LIST_SEPARATOR: Final[dict[Language, str]] = {"zh": "、", "en": ", "}
_CLAUSE_SEPARATOR: Final[dict[Language, str]] = {"zh": "；", "en": "; "}
# What an item may already end with: separators go from every item, a sentence's full stop
# from all but the last (so "…；" never meets another "；", and the text still ends as written).
_SEPARATORS: Final = " \t\n，,、；;：:"
_STOPS: Final = _SEPARATORS + "。."


class PluralSpecError(ValueError):
    """A placeholder's plural forms are malformed (a catalog defect, found by the tests)."""


def normalize_language(value: str | None, default: Language = "zh") -> Language:
    """Map a language tag such as `en-US` or `zh-hans` to a supported language."""
    if not value:
        return default
    head = value.strip().lower().split("-")[0].split("_")[0]
    if head == "en":
        return "en"
    if head == "zh":
        return "zh"
    return default


@cache
def _locale(language: Language) -> Locale:
    return Locale.parse(_LOCALES[language])


def plural_category(language: str, number: int | float | Decimal) -> str:
    """The CLDR plural category of `number` in `language` (`one`, `other`, …)."""
    return str(_locale(normalize_language(language)).plural_form(number))


def is_plural_spec(spec: str) -> bool:
    """Whether a placeholder's format spec lists plural forms (`one=…|other=…`)."""
    head = spec.split("|", 1)[0]
    return "=" in head and head.split("=", 1)[0].strip() in PLURAL_CATEGORIES


@cache
def plural_forms(spec: str) -> Mapping[str, str]:
    """The forms of a plural spec by category; raises PluralSpecError when malformed."""
    forms: dict[str, str] = {}
    for part in spec.split("|"):
        category, equals, form = part.partition("=")
        category = category.strip()
        if not equals or category not in PLURAL_CATEGORIES:
            raise PluralSpecError(f"not a plural form: {part!r} in {spec!r}")
        if category in forms:
            raise PluralSpecError(f"plural form {category!r} given twice in {spec!r}")
        forms[category] = form
    if "other" not in forms:
        raise PluralSpecError(f"plural forms without 'other': {spec!r}")
    return forms


def plural(language: str, number: int | float | Decimal | str, spec: str) -> str:
    """The form of `spec` that `number` takes in `language`, with `#` replaced by the number.

    `number` may be an already formatted number (`"2.5"`): it is shown as given, and its
    decimals count for the plural rule as CLDR says they do (1.0 second is *other* in English).
    """
    if isinstance(number, bool):
        raise TypeError(f"a plural placeholder needs a number, got {number!r}")
    if isinstance(number, str):
        try:
            value: int | float | Decimal = Decimal(number.strip())
        except InvalidOperation:
            raise TypeError(f"a plural placeholder needs a number, got {number!r}") from None
        shown = number.strip()
    else:
        value, shown = number, f"{number:g}" if isinstance(number, float) else str(number)
    forms = plural_forms(spec)
    form = forms.get(plural_category(language, value), forms["other"])
    return form.replace("#", shown)


class _CatalogFormatter(string.Formatter):
    """`str.format` that also understands plural specs."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec and is_plural_spec(format_spec):
            if not isinstance(value, int | float | Decimal | str):
                raise TypeError(f"a plural placeholder needs a number, got {value!r}")
            return plural(self.language, value, format_spec)
        return str(super().format_field(value, format_spec))


_FORMATTERS: Final = {language: _CatalogFormatter(language) for language in LANGUAGES}


def format_message(language: str, template: str, values: Mapping[str, object]) -> str:
    """`template` with its placeholders filled in, plural forms chosen for `language`."""
    return _FORMATTERS[normalize_language(language)].vformat(template, (), values)


def _clean(items: Iterable[str]) -> list[str]:
    kept = [item.strip() for item in items if item.strip(_STOPS)]
    return [item.rstrip(_STOPS) for item in kept[:-1]] + [
        item.rstrip(_SEPARATORS) for item in kept[-1:]
    ]


def join_list(language: str, items: Sequence[str] | Iterable[str]) -> str:
    """Items of one kind in running text: `1、2、3` in Chinese, `1, 2, 3` in English."""
    return _LIST_SEPARATOR[normalize_language(language)].join(_clean(items))


def join_clauses(language: str, items: Sequence[str] | Iterable[str]) -> str:
    """Clauses in one line: `复习 CNN；写 demo` (Chinese), `review CNN; write a demo` (English)."""
    return _CLAUSE_SEPARATOR[normalize_language(language)].join(_clean(items))
