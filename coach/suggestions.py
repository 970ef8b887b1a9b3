"""Today's suggested task for the morning nudge.

Until the study-plan feature is wired in, the suggestion is the theme of the learner's current
plan week, from the six weeks of the seed plan (`shared/seed/study-plan-stage1.md`). Week 1 is
the week of the learner's first contact (see `coach.weeks`). The plan feature replaces the body
of `todays_suggestion` with a look-up of the day's real task; the nudge only calls this.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.messages import t
from coach.weeks import SUNDAY, week_of
from db.models import User
from db.scheduling import ScheduleRepository

# Weeks 1-4 have a theme each; weeks 5 and 6 split fine-tuning into reading and a demo.
PLAN_WEEKS = 6


async def todays_suggestion(
    session: AsyncSession, user: User, local_date: date, *, week_ends_on: int | None = None
) -> str | None:
    """The suggested task for `local_date`, in the learner's language; None after the plan.

    `week_ends_on` (the weekday of the learner's weekly summary) saves a query when the
    caller already knows it.
    """
    ends_on = week_ends_on
    if ends_on is None:
        ends_on = await ScheduleRepository(session).week_ends_on(user.id)
    first_contact = user.created_at.astimezone(ZoneInfo(user.timezone)).date()
    week = week_of(local_date, first_contact, SUNDAY if ends_on is None else ends_on)
    if not 1 <= week.number <= PLAN_WEEKS:
        return None
    return t(user.language, "schedule.plan_week", week=week.number, theme=_theme(user, week.number))


def _theme(user: User, number: int) -> str:
    return t(user.language, f"schedule.theme_{number}")
