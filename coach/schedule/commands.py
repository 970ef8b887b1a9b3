"""Parsing of `/settings …` and `/week …` into plain requests; errors carry the message key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.blocks.parsing import ArgumentError
from coach.blocks.standard import MAX_STANDARD, MIN_STANDARD
from coach.schedule.times import Rule, ScheduleKind, parse_clock, parse_weekly

MAX_PAUSE_DAYS = 90
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:m|min|mins|minutes|分钟|分)?$", re.IGNORECASE)
_DAYS = re.compile(r"^(\d{1,4})\s*(?:d|days?|天)?$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OFF_WORDS = frozenset({"off", "none", "关", "关闭"})
_KIND_WORDS = {
    "nudge": ScheduleKind.NUDGE,
    "morning": ScheduleKind.NUDGE,
    "recap": ScheduleKind.RECAP,
    "evening": ScheduleKind.RECAP,
    "weekly": ScheduleKind.WEEKLY,
    "week": ScheduleKind.WEEKLY,
}


@dataclass(frozen=True)
class ShowSettings:
    """`/settings`: show the schedule."""


@dataclass(frozen=True)
class SetTime:
    """`/settings nudge|recap HH:MM` or `/settings weekly [DAY] HH:MM`.

    A weekly rule without a weekday keeps the day the summary had.
    """

    kind: ScheduleKind
    rule: Rule


@dataclass(frozen=True)
class SwitchOff:
    """`/settings nudge|recap|weekly off`."""

    kind: ScheduleKind


@dataclass(frozen=True)
class SetTimezone:
    """`/settings tz Area/City`."""

    name: str


@dataclass(frozen=True)
class Pause:
    """`/settings pause DAYS`."""

    days: int


@dataclass(frozen=True)
class Resume:
    """`/settings resume`."""


@dataclass(frozen=True)
class SetStandard:
    """`/settings standard MINUTES`: the learner's Minimum Viable Day (one block this long)."""

    minutes: int


SettingsRequest = ShowSettings | SetTime | SwitchOff | SetTimezone | Pause | Resume | SetStandard


def parse_settings(payload: str) -> SettingsRequest:
    """Read the text after `/settings`."""
    verb, _, rest = payload.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if not verb:
        return ShowSettings()
    if verb in _KIND_WORDS:
        return _parse_time(_KIND_WORDS[verb], rest)
    if verb in ("tz", "timezone"):
        if not rest:
            raise ArgumentError("schedule.tz_usage")
        return SetTimezone(rest)
    if verb in ("pause", "vacation"):
        match = _DAYS.match(rest)
        days = int(match.group(1)) if match else 0
        if not 1 <= days <= MAX_PAUSE_DAYS:
            raise ArgumentError("schedule.bad_pause", max=MAX_PAUSE_DAYS)
        return Pause(days)
    if verb in ("resume", "unpause") and not rest:
        return Resume()
    if verb in ("standard", "mvd", "标准", "达标"):
        if not rest:
            raise ArgumentError("schedule.standard_usage", min=MIN_STANDARD, max=MAX_STANDARD)
        match = _MINUTES.match(rest)
        minutes = int(match.group(1)) if match else 0
        if not MIN_STANDARD <= minutes <= MAX_STANDARD:
            raise ArgumentError(
                "schedule.bad_standard", value=rest[:40], min=MIN_STANDARD, max=MAX_STANDARD
            )
        return SetStandard(minutes)
    raise ArgumentError("schedule.unknown_setting", value=payload.strip()[:40])


def _parse_time(kind: ScheduleKind, value: str) -> SetTime | SwitchOff:
    if value.lower() in _OFF_WORDS:
        return SwitchOff(kind)
    if kind == ScheduleKind.WEEKLY:
        # `HH:MM` alone (the form the picker and the switched-off reply suggest) keeps the day.
        clock = parse_clock(value)
        rule = Rule(clock) if clock is not None else parse_weekly(value)
        if rule is None:
            raise ArgumentError("schedule.bad_weekly", value=value[:40])
        return SetTime(kind, rule)
    minutes = parse_clock(value)
    if minutes is None:
        raise ArgumentError("schedule.bad_time", value=value[:40], kind=kind.value)
    return SetTime(kind, Rule(minutes))


@dataclass(frozen=True)
class CurrentWeek:
    """`/week`: the week the learner is in."""


@dataclass(frozen=True)
class WeeksAgo:
    """`/week last`: an earlier week, counted back from this one."""

    weeks: int


@dataclass(frozen=True)
class PlanWeek:
    """`/week N`: week N of the plan."""

    number: int


@dataclass(frozen=True)
class WeekOfDate:
    """`/week YYYY-MM-DD`: the week holding that date."""

    day: date


WeekRequest = CurrentWeek | WeeksAgo | PlanWeek | WeekOfDate


def parse_week(payload: str) -> WeekRequest:
    """Read the text after `/week`."""
    word = payload.strip().lower()
    if word in ("", "this", "current", "本周", "这周"):
        return CurrentWeek()
    if word in ("last", "prev", "previous", "上周"):
        return WeeksAgo(1)
    if word.isdecimal() and len(word) <= 3 and int(word) >= 1:
        return PlanWeek(int(word))
    if _ISO_DATE.match(word):
        try:
            return WeekOfDate(date.fromisoformat(word))
        except ValueError:
            pass
    raise ArgumentError("schedule.week_usage")
