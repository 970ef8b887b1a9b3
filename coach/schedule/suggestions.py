"""What the scheduled messages borrow from the study plan and the quizzes.

The morning nudge names today's suggested checklist item of the learner's plan (or the
week's theme when no item is left) and the quiz reviews that are due.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.messages import t
from coach.plan.progress import todays_item
from coach.quiz.quizzer import due_review_count
from db.models import User

# The nudge asks about the middle of the learner's day, away from midnight edge cases.
_NUDGE_HOUR = time(12)


async def todays_suggestion(session: AsyncSession, user: User, local_date: date) -> str | None:
    """Today's suggested plan item (or the week's theme), in the learner's language.

    None before the plan starts and after it ends.
    """
    noon = datetime.combine(local_date, _NUDGE_HOUR, ZoneInfo(user.timezone))
    today = await todays_item(session, user.id, noon)
    if today is None or today.before_start or today.after_end:
        return None
    if today.item_text and today.item_position is not None:
        return t(
            user.language,
            "schedule.plan_item",
            week=today.week,
            title=today.week_title,
            item=today.item_text,
            position=today.item_position,
        )
    return t(
        user.language,
        "schedule.plan_week",
        week=today.week,
        theme=today.week_theme or today.week_title,
    )


async def due_reviews(session: AsyncSession, user: User, now: datetime) -> int:
    """How many quiz cards are due for review now."""
    return await due_review_count(session, user.id, now)
