"""Every `/settings …` form the bot suggests (usage, errors, the time pickers) is accepted."""

from __future__ import annotations

import re

import pytest

from coach.messages import CATALOGS, t
from coach.schedule.commands import SetTime, ShowSettings, parse_settings
from coach.schedule.times import Rule, ScheduleKind

# `/settings` and the words after it, up to the punctuation or dash that ends the example.
_EXAMPLE = re.compile(r"/settings((?: [A-Za-z0-9:/_{}.\u4e00-\u9fff]+)*)")
# Placeholders in an example stand for what the learner types.
_TYPED = {
    "HH:MM": "20:00",
    "DAY": "sun",
    "星期": "周日",
    "区域/城市": "Asia/Shanghai",
    "Area/City": "Asia/Shanghai",
    "MINUTES": "40",
    "分钟数": "40",
}
# How many words follow each setting in an example; the prose after them is not part of it.
_ARGUMENTS = {
    "resume": 0, "tz": 1, "pause": 1, "nudge": 1, "recap": 1, "weekly": 2, "standard": 1,
}  # fmt: skip


def _example(words: list[str]) -> str:
    if not words:
        return ""
    count = _ARGUMENTS.get(words[0], len(words) - 1)
    if words[0] == "weekly" and (len(words) < 3 or not words[2][:1].isdigit()):
        count = 1  # `weekly HH:MM` or `weekly off`
    return " ".join(words[: 1 + count])


def _suggested_forms() -> list[tuple[str, str]]:
    forms = []
    for language, catalog in CATALOGS.items():
        for key, template in catalog.items():
            for kind in ScheduleKind:
                text = template.replace("{kind}", kind.value)
                for match in _EXAMPLE.finditer(text):
                    payload = match.group(1).strip()
                    if "{" in payload:
                        continue  # a placeholder other than {kind}: not a literal example
                    for shown, typed in _TYPED.items():
                        payload = payload.replace(shown, typed)
                    words = [word.rstrip(".:") for word in payload.split()]
                    forms.append((f"{language} {key}", _example(words)))
    return sorted(set(forms))


FORMS = _suggested_forms()


def test_the_catalogs_suggest_the_forms_the_issue_names() -> None:
    payloads = {payload for _, payload in FORMS}
    assert {"weekly 20:00", "weekly sun 20:00", "nudge 08:30", "pause 7"} <= payloads


@pytest.mark.parametrize(("where", "payload"), FORMS)
def test_every_suggested_settings_form_parses(where: str, payload: str) -> None:
    parse_settings(payload)  # raises ArgumentError if the suggestion does not work


def test_the_weekly_picker_hint_works_and_keeps_the_day() -> None:
    for language in ("zh", "en"):
        hint = t(language, "schedule.pick_time", what="x", kind="weekly")
        assert "/settings weekly HH:MM" in hint
    assert parse_settings("weekly 20:00") == SetTime(ScheduleKind.WEEKLY, Rule(20 * 60))
    assert parse_settings("") == ShowSettings()
