"""Default schedule times a test bot on the real clock will not run into.

Test bots run the coach's clock from the real now, sped up (30x in-process, 10-20x for child
processes), so a test that starts shortly before 09:00, 21:30 or Sunday 20:00 in Shanghai
would meet a nudge, a recap or a weekly summary it never asked for. These put the three
an hour or two behind now: the next of them is about 22 coach hours away, and more than
40 real minutes even at 30x. Tests about scheduling set their own clock and times.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_schedule(timezone: str = "Asia/Shanghai", now: datetime | None = None) -> dict[str, str]:
    """COACH_NUDGE_TIME, COACH_RECAP_TIME and COACH_WEEKLY_TIME just behind `now` (real)."""
    now = (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone))
    nudge, recap = now - timedelta(hours=1), now - timedelta(hours=2)
    return {
        "COACH_NUDGE_TIME": f"{nudge:%H:%M}",
        "COACH_RECAP_TIME": f"{recap:%H:%M}",
        "COACH_WEEKLY_TIME": f"{nudge:%a} {nudge:%H:%M}".lower(),
    }


def midday_today(timezone: str = "Asia/Shanghai") -> datetime:
    """Noon of today's date in `timezone`: where an in-process test bot's clock starts.

    A sped-up clock started at the real now would cross midnight during the suite when it
    runs shortly before midnight in Shanghai (16:00 UTC), and "today" would change between
    a block and `/status`. Noon of the real date keeps the date every test computes and is
    twelve coach hours from either midnight (24 real minutes at 30x).
    """
    today = datetime.now(ZoneInfo(timezone)).date()
    return datetime.combine(today, time(12, 0), tzinfo=ZoneInfo(timezone))
