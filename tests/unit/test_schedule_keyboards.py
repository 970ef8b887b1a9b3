"""The /settings buttons' data: what the bot sends it reads back; anything else is refused."""

from __future__ import annotations

import pytest

from coach.schedule.keyboards import (
    PRESETS,
    SettingsAction,
    parse_settings_action,
    time_picker,
)
from coach.schedule.times import Rule, ScheduleKind


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("set:menu", SettingsAction("menu")),
        ("set:pick:recap", SettingsAction("pick", ScheduleKind.RECAP)),
        ("set:t:nudge:0830", SettingsAction("time", ScheduleKind.NUDGE, Rule(510))),
        ("set:t:weekly:6:2000", SettingsAction("time", ScheduleKind.WEEKLY, Rule(1200, 6))),
        ("set:off:weekly", SettingsAction("off", ScheduleKind.WEEKLY)),
        ("set:pause:7", SettingsAction("pause", days=7)),
        ("set:resume", SettingsAction("resume")),
    ],
)
def test_button_data_reads_back(data: str, action: SettingsAction) -> None:
    assert parse_settings_action(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "set:t:nudge:2561",
        "set:t:nudge:6:0900",
        "set:t:weekly:2000",
        "set:pause:0",
        "set:pause:95",
        "set:t:lunch:1200",
        "set:bogus",
        "rwd:1:2",
    ],
)
def test_forged_or_foreign_data_is_refused(data: str) -> None:
    assert parse_settings_action(data) is None


@pytest.mark.parametrize("kind", list(ScheduleKind))
def test_every_preset_button_carries_data_that_reads_back(kind: ScheduleKind) -> None:
    markup = time_picker("zh", kind)
    data = [button.data for row in markup for button in row]
    presses = [parse_settings_action(str(item)) for item in data]
    assert [p.rule for p in presses if p is not None and p.action == "time"] == list(PRESETS[kind])
    assert all(len(str(item).encode()) <= 64 for item in data)
