"""Queries of the study plan, the quizzes and the coach conversation. They flush, never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CoachMessage, PlanTick, QuizCard, QuizPrompt, StudyPlanRecord


class PlanRepository:
    """A learner's plan record and checklist ticks."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> StudyPlanRecord | None:
        """The learner's plan record, if one was ever written."""
        return await self.session.get(StudyPlanRecord, user_id)

    async def add(self, record: StudyPlanRecord) -> StudyPlanRecord:
        """Store a new plan record."""
        self.session.add(record)
        await self.session.flush()
        return record

    async def ticks(self, user_id: int) -> dict[int, datetime]:
        """Ticked item indexes and when they were ticked."""
        rows = await self.session.scalars(select(PlanTick).where(PlanTick.user_id == user_id))
        return {tick.item_index: tick.ticked_at for tick in rows}

    async def tick(self, user_id: int, item_index: int, now: datetime) -> bool:
        """Tick an item; False if it already was."""
        existing = await self.session.scalar(
            select(PlanTick).where(PlanTick.user_id == user_id, PlanTick.item_index == item_index)
        )
        if existing is not None:
            return False
        self.session.add(PlanTick(user_id=user_id, item_index=item_index, ticked_at=now))
        await self.session.flush()
        return True

    async def untick(self, user_id: int, item_index: int) -> None:
        """Remove an item's tick."""
        await self.session.execute(
            delete(PlanTick).where(PlanTick.user_id == user_id, PlanTick.item_index == item_index)
        )

    async def replace_ticks(
        self, user_id: int, item_indexes: Collection[int], now: datetime
    ) -> None:
        """Forget every tick and set exactly these (a newly imported plan)."""
        await self.session.execute(delete(PlanTick).where(PlanTick.user_id == user_id))
        self.session.add_all(
            PlanTick(user_id=user_id, item_index=index, ticked_at=now) for index in item_indexes
        )
        await self.session.flush()


class QuizRepository:
    """Cards and the questions put to the learner."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def card(self, user_id: int, question_id: str) -> QuizCard | None:
        """The learner's card for a question, if it was ever answered."""
        return await self.session.scalar(
            select(QuizCard).where(QuizCard.user_id == user_id, QuizCard.question_id == question_id)
        )

    async def add_card(self, card: QuizCard) -> QuizCard:
        """Store a new card."""
        self.session.add(card)
        await self.session.flush()
        return card

    async def cards(self, user_id: int) -> Sequence[QuizCard]:
        """Every card of the learner."""
        rows = await self.session.scalars(select(QuizCard).where(QuizCard.user_id == user_id))
        return rows.all()

    async def due_cards(self, user_id: int, now: datetime, limit: int = 50) -> Sequence[QuizCard]:
        """Cards due for review, most overdue first."""
        rows = await self.session.scalars(
            select(QuizCard)
            .where(QuizCard.user_id == user_id, QuizCard.due <= now)
            .order_by(QuizCard.due, QuizCard.id)
            .limit(limit)
        )
        return rows.all()

    async def due_count(self, user_id: int, now: datetime) -> int:
        """How many cards are due for review."""
        total = await self.session.scalar(
            select(func.count())
            .select_from(QuizCard)
            .where(QuizCard.user_id == user_id, QuizCard.due <= now)
        )
        return int(total or 0)

    async def next_due(self, user_id: int, after: datetime) -> datetime | None:
        """When the next card falls due after `after`."""
        return await self.session.scalar(
            select(func.min(QuizCard.due)).where(QuizCard.user_id == user_id, QuizCard.due > after)
        )

    async def add_prompt(self, prompt: QuizPrompt) -> QuizPrompt:
        """Record a question put to the learner."""
        self.session.add(prompt)
        await self.session.flush()
        return prompt

    async def prompt_for_poll(self, poll_id: str) -> QuizPrompt | None:
        """The prompt a quiz poll belongs to."""
        return await self.session.scalar(select(QuizPrompt).where(QuizPrompt.poll_id == poll_id))

    async def prompt(self, prompt_id: int, user_id: int) -> QuizPrompt | None:
        """A prompt, only if it belongs to this learner."""
        return await self.session.scalar(
            select(QuizPrompt).where(QuizPrompt.id == prompt_id, QuizPrompt.user_id == user_id)
        )

    async def latest_prompt(self, user_id: int) -> QuizPrompt | None:
        """The learner's most recent prompt."""
        return await self.session.scalar(
            select(QuizPrompt)
            .where(QuizPrompt.user_id == user_id)
            .order_by(QuizPrompt.sent_at.desc(), QuizPrompt.id.desc())
            .limit(1)
        )

    async def round_prompts(self, user_id: int, round_id: int) -> Sequence[QuizPrompt]:
        """The prompts of one round, in order."""
        rows = await self.session.scalars(
            select(QuizPrompt)
            .where(QuizPrompt.user_id == user_id, QuizPrompt.round_id == round_id)
            .order_by(QuizPrompt.id)
        )
        return rows.all()

    async def open_prompts(self, user_id: int, since: datetime) -> Sequence[QuizPrompt]:
        """Prompts sent since `since` that were neither answered nor closed."""
        rows = await self.session.scalars(
            select(QuizPrompt).where(
                QuizPrompt.user_id == user_id,
                QuizPrompt.sent_at >= since,
                QuizPrompt.answered_at.is_(None),
                QuizPrompt.closed_at.is_(None),
            )
        )
        return rows.all()

    async def answered(
        self, user_id: int, since: datetime | None = None, until: datetime | None = None
    ) -> Sequence[QuizPrompt]:
        """Answered prompts, optionally within [since, until)."""
        query = select(QuizPrompt).where(
            QuizPrompt.user_id == user_id, QuizPrompt.answered_at.is_not(None)
        )
        if since is not None:
            query = query.where(QuizPrompt.answered_at >= since)
        if until is not None:
            query = query.where(QuizPrompt.answered_at < until)
        rows = await self.session.scalars(query.order_by(QuizPrompt.answered_at))
        return rows.all()


class ConversationRepository:
    """The learner's conversation with the coach."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, message: CoachMessage) -> CoachMessage:
        """Append one turn."""
        self.session.add(message)
        await self.session.flush()
        return message

    async def recent(self, user_id: int, limit: int) -> list[CoachMessage]:
        """The last `limit` turns, oldest first."""
        rows = await self.session.scalars(
            select(CoachMessage)
            .where(CoachMessage.user_id == user_id)
            .order_by(CoachMessage.id.desc())
            .limit(limit)
        )
        return list(reversed(rows.all()))
