"""Inline keyboards of scheduled coaching (/settings and the scheduled messages) and their data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.messages import t
from coach.replies import Button, Keyboard, keyboard
from coach.schedule.commands import MAX_PAUSE_DAYS
from coach.schedule.render import kind_name, rule_text
from coach.schedule.service import ScheduleOverview
from coach.schedule.times import Rule, ScheduleKind, format_clock

START_BLOCK_DATA = "sch:block"
START_BLOCK_PATTERN = re.compile(r"^sch:block$")
SETTINGS_PATTERN = re.compile(
    r"^set:(?:(menu)|pick:(nudge|recap|weekly)|t:(nudge|recap|weekly):(?:([0-6]):)?(\d{4})"
    r"|off:(nudge|recap|weekly)|pause:(\d{1,2})|(resume))$"
)
PAUSE_CHOICES = (3, 7)
PRESETS: dict[ScheduleKind, tuple[Rule, ...]] = {
    ScheduleKind.NUDGE: tuple(
        Rule(minutes) for minutes in (420, 450, 480, 510, 540, 570, 600, 660)
    ),
    ScheduleKind.RECAP: tuple(
        Rule(minutes) for minutes in (1200, 1230, 1260, 1290, 1320, 1350, 1380, 1410)
    ),
    ScheduleKind.WEEKLY: (
        Rule(1080, 6),
        Rule(1200, 6),
        Rule(1260, 6),
        Rule(1200, 5),
        Rule(1200, 4),
        Rule(540, 0),
    ),
}


@dataclass(frozen=True)
class SettingsAction:
    """A press on a /settings button."""

    action: str  # menu | pick | time | off | pause | resume
    kind: ScheduleKind | None = None
    rule: Rule | None = None
    days: int = 0


def parse_settings_action(data: str) -> SettingsAction | None:
    """Read /settings button data; None if it was not ours or is out of range."""
    match = SETTINGS_PATTERN.match(data)
    if match is None:
        return None
    menu, pick, kind, weekday, clock, off, pause, resume = match.groups()
    if menu:
        return SettingsAction("menu")
    if pick:
        return SettingsAction("pick", ScheduleKind(pick))
    if kind:
        hours, minutes = int(clock[:2]), int(clock[2:])
        if hours > 23 or minutes > 59 or (kind == "weekly") != (weekday is not None):
            return None
        day = int(weekday) if weekday is not None else None
        return SettingsAction("time", ScheduleKind(kind), Rule(hours * 60 + minutes, day))
    if off:
        return SettingsAction("off", ScheduleKind(off))
    if pause:
        days = int(pause)
        return SettingsAction("pause", days=days) if 1 <= days <= MAX_PAUSE_DAYS else None
    assert resume
    return SettingsAction("resume")


def start_block_button(language: str) -> Keyboard:
    """The one button under a nudge or an empty-day recap: start a 45-minute block now."""
    return keyboard([[Button(t(language, "schedule.button_start_block"), START_BLOCK_DATA)]])


def settings_menu(overview: ScheduleOverview) -> Keyboard:
    """The buttons under /settings: each kind's time, and pause or resume."""
    language = overview.profile.language

    def label(kind: ScheduleKind) -> str:
        entry = overview.entry(kind)
        shown = rule_text(language, entry.rule) if entry.enabled else t(language, "schedule.never")
        return t(language, f"schedule.button_{kind.value}", time=shown)

    rows = [
        [
            Button(label(ScheduleKind.NUDGE), "set:pick:nudge"),
            Button(label(ScheduleKind.RECAP), "set:pick:recap"),
        ],
        [Button(label(ScheduleKind.WEEKLY), "set:pick:weekly")],
    ]
    if overview.pause is not None:
        rows.append([Button(t(language, "schedule.button_resume"), "set:resume")])
    else:
        rows.append(
            [
                Button(
                    t(language, "schedule.button_pause", days=days),
                    f"set:pause:{days}",
                )
                for days in PAUSE_CHOICES
            ]
        )
    return keyboard(rows)


def time_picker(language: str, kind: ScheduleKind) -> Keyboard:
    """Preset times for one kind, plus *Off* and *Back*."""
    per_row = 3 if kind == ScheduleKind.WEEKLY else 4
    buttons = [Button(rule_text(language, rule), _time_data(kind, rule)) for rule in PRESETS[kind]]
    rows = [buttons[start : start + per_row] for start in range(0, len(buttons), per_row)]
    rows.append(
        [
            Button(t(language, "schedule.button_off"), f"set:off:{kind.value}"),
            Button(t(language, "schedule.button_back"), "set:menu"),
        ]
    )
    return keyboard(rows)


def picker_text(language: str, kind: ScheduleKind) -> str:
    """The text above a time picker."""
    return t(language, "schedule.pick_time", what=kind_name(language, kind), kind=kind.value)


def _time_data(kind: ScheduleKind, rule: Rule) -> str:
    clock = format_clock(rule.local_minutes).replace(":", "")
    if rule.weekday is None:
        return f"set:t:{kind.value}:{clock}"
    return f"set:t:{kind.value}:{rule.weekday}:{clock}"
