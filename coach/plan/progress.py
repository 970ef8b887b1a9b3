"""What other features read about a learner's plan: today's item and a week's progress.

The morning nudge and the weekly summary call these with a session, a user id and the time;
they never create a learner and never write anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from coach.learners.profile import Profile
from coach.plan.planner import PlanState, build_state, suggest_today
from coach.plan.weeks import DAYS_PER_WEEK
from db.repositories import UserRepository
from db.study_repositories import PlanRepository, QuizRepository


@dataclass(frozen=True)
class TodayInfo:
    """The plan as the morning nudge needs it."""

    current_week: int  # 0 before the plan starts; beyond the last week after it ends
    week: int  # the week shown (the current one, kept within the plan)
    week_title: str
    week_theme: str
    day: int | None  # today's day of that week, 1-7
    item_text: str | None  # today's suggested checklist item
    item_position: int | None  # its number for /check
    item_details: tuple[str, ...]
    done: int  # ticked items of the week
    total: int
    before_start: bool
    after_end: bool
    start_date: date
    item_date: date | None = None  # the calendar day the item is written for, if any
    item_outline: tuple[tuple[int, str], ...] = ()  # its details as (depth, text)


@dataclass(frozen=True)
class WeekProgress:
    """A week's checklist progress and quiz accuracy, for the weekly summary."""

    week: int
    title: str
    start: date
    end: date
    done: int
    total: int
    quiz_answered: int
    quiz_correct: int

    @property
    def accuracy(self) -> float | None:
        """Share of right quiz answers in the week, None without answers."""
        return self.quiz_correct / self.quiz_answered if self.quiz_answered else None


async def plan_state(session: AsyncSession, user_id: int, now: datetime) -> PlanState | None:
    """The learner's plan as of `now`; None for an unknown learner."""
    user = await UserRepository(session).get(user_id)
    if user is None:
        return None
    plans = PlanRepository(session)
    profile = Profile(user.id, user.chat_id, user.first_name, user.language, user.timezone)
    return build_state(profile, user, await plans.get(user.id), await plans.ticks(user.id), now)


async def todays_item(session: AsyncSession, user_id: int, now: datetime) -> TodayInfo | None:
    """This week and today's suggested item; None for an unknown learner."""
    state = await plan_state(session, user_id, now)
    if state is None:
        return None
    suggestion = suggest_today(state)
    view, item = suggestion.view, suggestion.item
    return TodayInfo(
        current_week=state.current_week,
        week=view.number,
        week_title=view.week.title,
        week_theme=view.week.theme,
        day=view.day,
        item_text=item.text if item else None,
        item_position=view.position(item) if item else None,
        item_details=item.details if item else (),
        done=view.done,
        total=view.total,
        before_start=suggestion.before_start,
        after_end=suggestion.after_end,
        start_date=state.start_date,
        item_date=item.date if item else None,
        item_outline=item.outline if item else (),
    )


async def week_progress(
    session: AsyncSession, user_id: int, now: datetime, week: int | None = None
) -> WeekProgress | None:
    """Checklist progress of plan week `week` (this week by default) and the learner's quiz
    accuracy during that week's seven days; None for an unknown learner or week."""
    state = await plan_state(session, user_id, now)
    if state is None:
        return None
    view = state.view(state.shown_week if week is None else week)
    if view is None:
        return None
    zone = ZoneInfo(state.profile.timezone)
    since = datetime.combine(view.start, time.min, zone)
    until = since + timedelta(days=DAYS_PER_WEEK)
    answered = await QuizRepository(session).answered(user_id, since=since, until=until)
    return WeekProgress(
        week=view.number,
        title=view.week.title,
        start=view.start,
        end=view.end,
        done=view.done,
        total=view.total,
        quiz_answered=len(answered),
        quiz_correct=sum(1 for prompt in answered if prompt.correct),
    )
