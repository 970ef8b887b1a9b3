"""The Minimum Viable Day and the streak: the one home of "did this day meet the standard".

A day meets the standard when it holds a completed focus block of at least the learner's
standard of worked minutes (`/settings standard N`, by default `COACH_REWARD_MIN_MINUTES`,
35). Shorter blocks still count as minutes of focus, but they neither earn a reward nor
keep a streak. The streak counts consecutive such days; days of an announced pause neither
count nor break it. The reward, `/status`, the nudge, the evening recap, the weekly summary,
its chart and `/progress` all ask this module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User
from db.scheduling import ActivityRepository, PauseRepository

# The standard when neither the learner nor the operator set one (the seed plan's 35–45).
DEFAULT_STANDARD_MINUTES = 35
# The learner's own standard, in minutes, within their settings JSON.
STANDARD_KEY = "standard_minutes"
MIN_STANDARD = 1
MAX_STANDARD = 180
# How far back a streak is looked for, and the first, usually enough, look.
STREAK_WINDOW = timedelta(days=400)
FIRST_LOOK = timedelta(days=45)


def worked_minutes(started_at: datetime, finished_at: datetime | None) -> int:
    """Whole minutes between a block's start and finish (0 while it has no finish)."""
    if finished_at is None:
        return 0
    return int((finished_at - started_at).total_seconds() // 60)


def standard_of(settings: Mapping[str, Any] | None, default: int) -> int:
    """The learner's standard: their own (`/settings standard N`) or the operator's default."""
    value = (settings or {}).get(STANDARD_KEY)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and MIN_STANDARD <= value <= MAX_STANDARD
    ):
        return value
    return default


def user_standard(user: User, default: int) -> int:
    """`standard_of` a stored learner."""
    return standard_of(user.settings, default)


def set_standard(user: User, minutes: int) -> None:
    """Store the learner's own standard (validated by the caller: MIN..MAX_STANDARD)."""
    if not MIN_STANDARD <= minutes <= MAX_STANDARD:
        raise ValueError(f"standard out of range: {minutes}")
    user.settings = {**(user.settings or {}), STANDARD_KEY: minutes}


def block_meets_standard(worked: int, standard: int) -> bool:
    """Whether one completed block of `worked` minutes is a Minimum Viable Day's block."""
    return worked >= standard


def meets_standard(block_minutes: Iterable[int], standard: int) -> bool:
    """Whether a day with completed blocks of these worked minutes met the standard."""
    return any(block_meets_standard(minutes, standard) for minutes in block_minutes)


def streak_days(
    active_days: Collection[date], today: date, rest_days: Collection[date] = frozenset()
) -> int:
    """Consecutive days that met the standard up to today (or yesterday, while today is open).

    `active_days` are the days that met the standard (see `met_days`). Rest days (a pause
    the learner announced) neither count nor break the streak.
    """
    day = today if today in active_days or today in rest_days else today - timedelta(days=1)
    count = 0
    while day in active_days or day in rest_days:
        if day in active_days:
            count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(active_days: Collection[date], rest_days: Collection[date] = ()) -> int:
    """The most days in a row that met the standard, by the rules of `streak_days`."""
    best = run = 0
    if not active_days:
        return 0
    day, last = min(active_days), max(active_days)
    while day <= last:
        if day in active_days:
            run += 1
            best = max(best, run)
        elif day not in rest_days:
            run = 0
        day += timedelta(days=1)
    return best


async def met_days(
    session: AsyncSession, standards: Mapping[int, int], since: date
) -> dict[int, set[date]]:
    """Each learner's local days since `since` that met their standard (`standards[user]`)."""
    spans = await ActivityRepository(session).completed_spans_of(sorted(standards), since)
    days: dict[int, set[date]] = {user_id: set() for user_id in standards}
    for user_id, day, started_at, finished_at in spans:
        if block_meets_standard(worked_minutes(started_at, finished_at), standards[user_id]):
            days[user_id].add(day)
    return days


async def streaks(
    session: AsyncSession, standards: Mapping[int, int], days: Sequence[tuple[int, date]]
) -> dict[tuple[int, date], int]:
    """The streak of each (learner, local date), as of that date.

    Most streaks are short: blocks of the last `FIRST_LOOK` are read first, and only the
    learners whose streak reaches that far back are read again over `STREAK_WINDOW`.
    """
    if not days:
        return {}
    found: dict[tuple[int, date], int] = {}
    todo = list(days)
    for window in (FIRST_LOOK, STREAK_WINDOW):
        since = min(day for _, day in todo) - window
        users = {user_id for user_id, _ in todo}
        met = await met_days(session, {u: standards[u] for u in users}, since)
        rest = await PauseRepository(session).days_of(sorted(users), since)
        longer = []
        for user_id, day in todo:
            active = {d for d in met.get(user_id, set()) if d <= day}
            count = streak_days(active, day, rest.get(user_id, set()))
            found[(user_id, day)] = count
            if window is FIRST_LOOK and _reaches(active, rest.get(user_id, set()), day, since):
                longer.append((user_id, day))
        if not longer:
            break
        todo = longer
    return found


def _reaches(active: Collection[date], rest: Collection[date], day: date, since: date) -> bool:
    """Whether the streak as of `day` runs back to `since` (older days might extend it)."""
    start = day if day in active or day in rest else day - timedelta(days=1)
    while start in active or start in rest:
        if start <= since:
            return True
        start -= timedelta(days=1)
    return False


async def streak(session: AsyncSession, user_id: int, standard: int, today: date) -> int:
    """The learner's streak as of `today`."""
    return (await streaks(session, {user_id: standard}, [(user_id, today)]))[(user_id, today)]
