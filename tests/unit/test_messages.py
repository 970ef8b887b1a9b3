"""The message catalogs are complete in both languages."""

from __future__ import annotations

import string

import pytest

from coach.messages import CATALOGS, normalize_language, t

ZH, EN = CATALOGS["zh"], CATALOGS["en"]


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(ZH) == set(EN), (
        f"missing in en: {set(ZH) - set(EN)}; missing in zh: {set(EN) - set(ZH)}"
    )


@pytest.mark.parametrize("key", sorted(ZH))
def test_every_message_has_the_same_placeholders_in_both_languages(key: str) -> None:
    assert _placeholders(ZH[key]) == _placeholders(EN[key])
    assert ZH[key].strip() and EN[key].strip()


def test_every_key_used_in_the_code_exists() -> None:
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_.]+|help|unsupported)\"""")
    for folder in ("bot", "coach", "jobs"):
        for path in (root / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no message keys at all"
    for catalog in CATALOGS.values():
        assert used <= set(catalog), f"unknown keys: {used - set(catalog)}"


def test_language_tags_are_normalized() -> None:
    assert normalize_language("en-US") == "en"
    assert normalize_language("zh-hans") == "zh"
    assert normalize_language("fr") == "zh"
    assert normalize_language(None, default="en") == "en"


def test_t_fills_placeholders_in_the_requested_language() -> None:
    assert t("en", "rewards.added", title="tea") == "Added to your reward menu: tea"
    assert t("zh", "rewards.added", title="奶茶") == "已加入奖励菜单：奶茶"
