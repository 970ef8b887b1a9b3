"""Local times, DST rules, weekdays and plan weeks: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from coach.blocks.parsing import ArgumentError
from coach.schedule.commands import (
    CurrentWeek,
    Pause,
    PlanWeek,
    Resume,
    SetStandard,
    SetTime,
    SetTimezone,
    ShowSettings,
    SwitchOff,
    WeekOfDate,
    WeeksAgo,
    parse_settings,
    parse_week,
)
from coach.schedule.times import (
    Occurrence,
    Rule,
    ScheduleKind,
    local_instant,
    next_occurrence,
    parse_clock,
    parse_weekday,
)

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026: clocks spring forward on Sunday March 8 and fall back on Sunday November 1.
SPRING = date(2026, 3, 8)
FALL = date(2026, 11, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nine_oclock_in_new_york_follows_the_offset_of_each_transition_day() -> None:
    assert local_instant(date(2026, 3, 7), 9 * 60, NEW_YORK) == utc(2026, 3, 7, 14)
    assert local_instant(SPRING, 9 * 60, NEW_YORK) == utc(2026, 3, 8, 13)
    assert local_instant(date(2026, 10, 31), 9 * 60, NEW_YORK) == utc(2026, 10, 31, 13)
    assert local_instant(FALL, 9 * 60, NEW_YORK) == utc(2026, 11, 1, 14)


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_gap() -> None:
    due = local_instant(SPRING, 2 * 60 + 30, NEW_YORK)
    assert due == utc(2026, 3, 8, 7, 30)
    assert due.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"


def test_a_time_repeated_by_fall_back_means_its_first_occurrence() -> None:
    due = local_instant(FALL, 90, NEW_YORK)
    assert due == utc(2026, 11, 1, 5, 30)
    assert due.astimezone(NEW_YORK).utcoffset() == NEW_YORK.utcoffset(datetime(2026, 7, 1))


def test_the_next_nudge_after_saturdays_crosses_spring_forward_correctly() -> None:
    after_saturday = utc(2026, 3, 7, 14, 0, 1)
    assert next_occurrence(Rule(9 * 60), NEW_YORK, after_saturday) == Occurrence(
        SPRING, utc(2026, 3, 8, 13)
    )
    after_halloween = utc(2026, 10, 31, 13, 0, 1)
    assert next_occurrence(Rule(9 * 60), NEW_YORK, after_halloween) == Occurrence(
        FALL, utc(2026, 11, 1, 14)
    )


def test_the_repeated_hour_fires_once_and_the_next_firing_is_the_next_day() -> None:
    first = next_occurrence(Rule(90), NEW_YORK, utc(2026, 11, 1, 4))
    assert first == Occurrence(FALL, utc(2026, 11, 1, 5, 30))
    # During the second 01:30 (06:30 UTC) nothing is due until Monday.
    following = next_occurrence(Rule(90), NEW_YORK, utc(2026, 11, 1, 6, 0), earliest=FALL)
    assert following == Occurrence(date(2026, 11, 2), utc(2026, 11, 2, 6, 30))


def test_shanghai_has_no_dst_and_local_midnight_is_the_day_boundary() -> None:
    # 23:30 UTC on March 1 is already 07:30 on March 2 in Shanghai.
    nudge = next_occurrence(Rule(9 * 60), SHANGHAI, utc(2026, 3, 1, 23, 30))
    assert nudge == Occurrence(date(2026, 3, 2), utc(2026, 3, 2, 1))
    assert local_instant(SPRING, 9 * 60, SHANGHAI) == utc(2026, 3, 8, 1)


def test_weekly_rules_fire_on_their_weekday_and_excluded_days_are_skipped() -> None:
    sunday_evening = Rule(20 * 60, 6)
    monday = utc(2026, 3, 2, 2)
    assert next_occurrence(sunday_evening, SHANGHAI, monday) == Occurrence(
        date(2026, 3, 8), utc(2026, 3, 8, 12)
    )
    paused = {date(2026, 3, 2), date(2026, 3, 3)}
    assert next_occurrence(
        Rule(9 * 60), SHANGHAI, utc(2026, 3, 1, 20), excluded=paused.__contains__
    ) == Occurrence(date(2026, 3, 4), utc(2026, 3, 4, 1))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("09:00", 540), ("9:05", 545), ("21：30", 1290), ("00:00", 0), ("23:59", 1439)],
)
def test_clock_times_parse(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["24:00", "9", "9:5", "09:60", "nine", "", "-1:00"])
def test_bad_clock_times_are_refused(text: str) -> None:
    assert parse_clock(text) is None


def test_weekdays_in_english_and_chinese() -> None:
    assert [parse_weekday(word) for word in ("mon", "Sunday", "周日", "星期三", "周天")] == [
        0,
        6,
        6,
        2,
        6,
    ]
    assert parse_weekday("someday") is None


def test_settings_commands_parse_into_requests() -> None:
    assert parse_settings("") == ShowSettings()
    assert parse_settings("nudge 08:30") == SetTime(ScheduleKind.NUDGE, Rule(510))
    assert parse_settings("recap 22:00") == SetTime(ScheduleKind.RECAP, Rule(1320))
    assert parse_settings("weekly sat 19:30") == SetTime(ScheduleKind.WEEKLY, Rule(1170, 5))
    assert parse_settings("weekly 周六 19:30") == SetTime(ScheduleKind.WEEKLY, Rule(1170, 5))
    # A time without a day: the scheduler keeps the day the summary had.
    assert parse_settings("weekly 20:00") == SetTime(ScheduleKind.WEEKLY, Rule(1200))
    assert parse_settings("weekly off") == SwitchOff(ScheduleKind.WEEKLY)
    assert parse_settings("tz America/New_York") == SetTimezone("America/New_York")
    assert parse_settings("pause 7") == Pause(7)
    assert parse_settings("pause 3天") == Pause(3)
    assert parse_settings("resume") == Resume()


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ("nudge 25:00", "schedule.bad_time"),
        ("recap soon", "schedule.bad_time"),
        ("weekly 25:00", "schedule.bad_weekly"),
        ("weekly sun", "schedule.bad_weekly"),
        ("weekly funday 20:00", "schedule.bad_weekly"),
        ("pause 0", "schedule.bad_pause"),
        ("pause 365", "schedule.bad_pause"),
        ("pause", "schedule.bad_pause"),
        ("tz", "schedule.tz_usage"),
        ("volume 11", "schedule.unknown_setting"),
    ],
)
def test_bad_settings_name_the_problem(payload: str, key: str) -> None:
    with pytest.raises(ArgumentError) as raised:
        parse_settings(payload)
    assert raised.value.key == key


def test_week_requests_parse() -> None:
    assert parse_week("") == CurrentWeek()
    assert parse_week("last") == WeeksAgo(1)
    assert parse_week("2") == PlanWeek(2)
    assert parse_week("2026-03-04") == WeekOfDate(date(2026, 3, 4))
    for bad in ("0", "next", "2026-02-30", "-1"):
        with pytest.raises(ArgumentError):
            parse_week(bad)


def test_settings_standard_sets_the_learners_minimum_or_refuses_clearly() -> None:
    assert parse_settings("standard 40") == SetStandard(40)
    assert parse_settings("standard 40min") == SetStandard(40)
    assert parse_settings("标准 30分钟") == SetStandard(30)
    with pytest.raises(ArgumentError) as usage:
        parse_settings("standard")
    assert usage.value.key == "schedule.standard_usage"
    for bad in ("standard 0", "standard 181", "standard abc", "standard -5"):
        with pytest.raises(ArgumentError) as refused:
            parse_settings(bad)
        assert refused.value.key == "schedule.bad_standard"
        assert refused.value.values["min"] == 1 and refused.value.values["max"] == 180
