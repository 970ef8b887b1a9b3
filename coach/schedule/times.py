"""Local times of day, weekdays and the next occurrence of a scheduled message (DST-correct).

Rules for the two awkward local times of a DST change, applied everywhere:

- a time that does not exist that day (clocks jump forward over it, e.g. 02:30 in New York on
  the second Sunday of March) is moved forward by the length of the gap: 02:30 → 03:30;
- a time that happens twice (clocks fall back, e.g. 01:30 on the first Sunday of November)
  means its first occurrence, the one still on summer time.

Both are what PEP 495's `fold=0` gives, so every instant is built through `local_instant`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# Far enough to step over the longest pause and still find a weekday.
SEARCH_DAYS = 400


class ScheduleKind(enum.StrEnum):
    """The scheduled messages: the morning nudge, the evening recap, the weekly summary."""

    NUDGE = "nudge"
    RECAP = "recap"
    WEEKLY = "weekly"


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_ALIASES: dict[str, int] = {
    **{name: index for index, name in enumerate(WEEKDAY_NAMES)},
    **{
        name: index
        for index, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: index for index, name in enumerate(("tues", "weds", "thur", "thurs"), start=1)},
}
_CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:：.]([0-5]\d)$")


@dataclass(frozen=True)
class Rule:
    """When a schedule fires: a local time of day, on every day or on one weekday."""

    local_minutes: int
    weekday: int | None = None

    def matches(self, day: date) -> bool:
        """Whether the rule fires on this local date."""
        return self.weekday is None or day.weekday() == self.weekday


@dataclass(frozen=True)
class Occurrence:
    """One firing: the learner's local date it belongs to and the UTC instant it is due."""

    local_date: date
    due_at: datetime


def parse_clock(text: str) -> int | None:
    """`HH:MM` (also `H:MM` and a full-width colon) as minutes after midnight; None if invalid."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def format_clock(minutes: int) -> str:
    """Minutes after midnight as `HH:MM`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekday(text: str) -> int | None:
    """`mon`..`sun` (or full English names, 周一..周日, 星期一..星期日) as 0..6; None if invalid."""
    word = text.strip().lower().rstrip(".")
    if word in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[word]
    for prefix in ("星期", "礼拜", "周"):
        if word.startswith(prefix) and word[len(prefix) :] in _CHINESE_DAYS:
            return _CHINESE_DAYS[word[len(prefix) :]]
    return None


def parse_weekly(text: str) -> Rule | None:
    """`<weekday> HH:MM`, e.g. `sun 20:00`; None if invalid."""
    parts = text.split()
    if len(parts) != 2:
        return None
    weekday, minutes = parse_weekday(parts[0]), parse_clock(parts[1])
    if weekday is None or minutes is None:
        return None
    return Rule(minutes, weekday)


def local_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `minutes` past midnight on `day` in `zone` (DST rules: see above)."""
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone).replace(fold=0)
    return wall.astimezone(UTC)


def local_date_of(instant: datetime, zone: ZoneInfo) -> date:
    """The local date of an instant in `zone`."""
    return instant.astimezone(zone).date()


def next_occurrence(
    rule: Rule,
    zone: ZoneInfo,
    now: datetime,
    *,
    earliest: date | None = None,
    excluded: Callable[[date], bool] = lambda _day: False,
) -> Occurrence | None:
    """The first firing after `now`, on `earliest` or later, on a day not `excluded`."""
    day = local_date_of(now, zone)
    if earliest is not None and earliest > day:
        day = earliest
    for _ in range(SEARCH_DAYS):
        if rule.matches(day) and not excluded(day):
            due = local_instant(day, rule.local_minutes, zone)
            if due > now:
                return Occurrence(day, due)
        day += timedelta(days=1)
    return None
