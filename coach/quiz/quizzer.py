"""Quiz use cases: which question comes next, recording answers, FSRS updates and statistics.

A round is up to ROUND_SIZE questions: `/quiz` sends the first and each answer brings the
next. Due reviews come first, then new questions, the current plan week's topics first.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fsrs import Rating
from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.learners.profile import Identity, Profile
from coach.learners.registry import Learners
from coach.plan.planner import Planner, PlanState
from coach.quiz.bank import Kind, Question, QuestionBank
from coach.quiz.srs import PASS_SCORE, SpacedRepetition, rating_for_choice, rating_for_score
from coach.quiz.topics import TOPICS, topics_for_week
from db.models import QuizCard, QuizPrompt
from db.study_repositories import QuizRepository

ROUND_SIZE = 5
# An unanswered question is "in flight" this long: it is not sent again meanwhile.
IN_FLIGHT = timedelta(hours=12)
# How long a free-text answer is waited for before plain messages are chat again.
EXPLAIN_WAIT = timedelta(hours=12)
MAX_ANSWER_LENGTH = 4000


@dataclass(frozen=True)
class QuizItem:
    """A question to put to the learner now."""

    profile: Profile
    question: Question
    language: str
    options: tuple[str, ...]  # shuffled, in the learner's language (choice questions)
    correct_option_ids: tuple[int, ...]
    option_order: tuple[int, ...]  # each shown option's index in the bank
    round_id: int | None  # None for the first question of a round
    round_left: int
    position: int  # 1-based place in the round
    is_new: bool


@dataclass(frozen=True)
class NothingToQuiz:
    """No card is due and no new question is left."""

    profile: Profile
    next_due: datetime | None


@dataclass(frozen=True)
class RoundSummary:
    """How a finished round went."""

    answered: int
    correct: int
    due_now: int
    next_due: datetime | None


@dataclass(frozen=True)
class PollAnswered:
    """A quiz poll answer was recorded and the card rescheduled."""

    profile: Profile
    chat_id: int
    question: Question
    correct: bool
    rating: int
    due: datetime
    next_item: QuizItem | None
    summary: RoundSummary | None  # set when this answer ended the round


@dataclass(frozen=True)
class PollIgnored:
    """An answer that changes nothing; `key` names a message to send, if any."""

    user_id: int
    key: str | None = None


@dataclass(frozen=True)
class PendingExplain:
    """A free-text answer the coach is waiting for."""

    prompt_id: int
    profile: Profile
    question: Question
    language: str


@dataclass(frozen=True)
class Grade:
    """How a free-text answer was graded, and by whom."""

    score: float  # 0..1
    feedback: str
    grader: str  # llm | offline
    covered: tuple[bool, ...] = ()  # per rubric point (offline grading)
    fallback: str | None = (
        None  # why the offline rubric was used: not_configured|failed|timeout|bad_reply
    )


@dataclass(frozen=True)
class ExplainReviewed:
    """A free-text answer was graded and its card rescheduled."""

    profile: Profile
    question: Question
    language: str
    grade: Grade
    rating: int
    due: datetime
    next_item: QuizItem | None
    summary: RoundSummary | None


@dataclass(frozen=True)
class Skipped:
    """The awaited free-text question was skipped."""

    profile: Profile
    question: Question | None
    next_item: QuizItem | None


@dataclass(frozen=True)
class TopicStats:
    """Accuracy on one topic."""

    topic: str
    answered: int
    correct: int
    cards: int  # cards the learner has of this topic
    questions: int  # questions the bank has on it


@dataclass(frozen=True)
class QuizStats:
    """`/quiz stats`: accuracy per topic and what is due."""

    profile: Profile
    topics: tuple[TopicStats, ...]
    answered: int
    correct: int
    due_now: int
    next_due: datetime | None
    cards: int


class Quizzer:
    """Quiz use cases; methods flush and never commit."""

    def __init__(
        self,
        bank: QuestionBank,
        learners: Learners,
        planner: Planner,
        clock: Clock,
        srs: SpacedRepetition | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.bank = bank
        self.learners = learners
        self.planner = planner
        self.clock = clock
        self.srs = srs or SpacedRepetition()
        self.rng = rng or random.Random()

    # -- choosing -------------------------------------------------------------------------------

    async def start_round(
        self, session: AsyncSession, who: Identity, kind: Kind | None = None
    ) -> QuizItem | NothingToQuiz:
        """The first question of a new round (`/quiz`, or `/quiz explain` for one free-text one).

        A free-text question still awaiting an answer is closed: the new round replaces it.
        """
        state = await self.planner.state(session, who)
        quizzes = QuizRepository(session)
        now = self.clock.now()
        for prompt in await quizzes.open_prompts(state.profile.user_id, now - EXPLAIN_WAIT):
            if prompt.kind == "explain":
                prompt.closed_at = now
        size = 1 if kind == "explain" else ROUND_SIZE
        item = await self._pick(session, state, kind, None, size - 1, 1, practice=kind == "explain")
        if item is None:
            next_due = await quizzes.next_due(state.profile.user_id, now)
            return NothingToQuiz(state.profile, next_due)
        return item

    async def _next_in_round(
        self, session: AsyncSession, who: Identity, prompt: QuizPrompt
    ) -> tuple[QuizItem | None, RoundSummary | None]:
        """The round's next question, or its summary when it is over."""
        quizzes = QuizRepository(session)
        latest = await quizzes.latest_prompt(prompt.user_id)
        if latest is None or latest.id != prompt.id:
            return None, None  # an older question answered late: the round went on without it
        if prompt.round_left > 0:
            state = await self.planner.state(session, who)
            left = prompt.round_left - 1
            item = await self._pick(session, state, None, prompt.round_id, left, ROUND_SIZE - left)
            if item is not None:
                return item, None
        return None, await self._summary(session, prompt)

    async def _summary(self, session: AsyncSession, prompt: QuizPrompt) -> RoundSummary:
        quizzes = QuizRepository(session)
        in_round = await quizzes.round_prompts(prompt.user_id, prompt.round_id or prompt.id)
        answered = [p for p in in_round if p.answered_at is not None]
        now = self.clock.now()
        return RoundSummary(
            answered=len(answered),
            correct=sum(1 for p in answered if p.correct),
            due_now=await quizzes.due_count(prompt.user_id, now),
            next_due=await quizzes.next_due(prompt.user_id, now),
        )

    async def _pick(
        self,
        session: AsyncSession,
        state: PlanState,
        kind: Kind | None,
        round_id: int | None,
        round_left: int,
        position: int,
        *,
        practice: bool = False,
    ) -> QuizItem | None:
        quizzes = QuizRepository(session)
        user_id = state.profile.user_id
        now = self.clock.now()
        in_flight = {p.question_id for p in await quizzes.open_prompts(user_id, now - IN_FLIGHT)}

        def wanted(question: Question | None) -> bool:
            return (
                question is not None
                and question.id not in in_flight
                and (kind is None or question.kind == kind)
            )

        for card in await quizzes.due_cards(user_id, now, limit=200):
            question = self.bank.get(card.question_id)
            if question is not None and wanted(question):
                return self._item(state, question, round_id, round_left, position, is_new=False)
        cards = await quizzes.cards(user_id)
        seen = {card.question_id for card in cards}
        for question in self._new_questions(state):
            if question.id not in seen and wanted(question):
                return self._item(state, question, round_id, round_left, position, is_new=True)
        if practice:
            # Asked for explicitly: the card due soonest, even though it is not due yet.
            for card in sorted(cards, key=lambda c: c.due):
                question = self.bank.get(card.question_id)
                if wanted(question):
                    assert question is not None
                    return self._item(state, question, round_id, round_left, position, False)
        return None

    def _new_questions(self, state: PlanState) -> list[Question]:
        """Unseen-question order: the current week's topics first, interleaved, then the rest."""
        current = state.shown_week
        weeks = sorted(
            state.plan.weeks,
            key=lambda week: (week.number != current, week.number > current, week.number),
        )
        topic_order: list[str] = []
        tiers: list[list[str]] = []
        for week in weeks:
            text = " ".join((week.title, week.theme, week.goal))
            tier = [t for t in topics_for_week(week.number, text) if t not in topic_order]
            topic_order.extend(tier)
            tiers.append(tier)
        tiers.append([t for t in TOPICS if t not in topic_order])
        by_topic: dict[str, list[Question]] = defaultdict(list)
        for question in sorted(self.bank.questions, key=lambda q: q.kind == "explain"):
            by_topic[question.topic].append(question)
        ordered: list[Question] = []
        for tier in tiers:
            queues = [list(by_topic[topic]) for topic in tier]
            while any(queues):
                for queue in queues:
                    if queue:
                        ordered.append(queue.pop(0))
        return ordered

    def _item(
        self,
        state: PlanState,
        question: Question,
        round_id: int | None,
        round_left: int,
        position: int,
        is_new: bool,
    ) -> QuizItem:
        language = state.profile.language
        text = question.text(language)
        order = list(range(len(text.options)))
        self.rng.shuffle(order)
        return QuizItem(
            profile=state.profile,
            question=question,
            language=language,
            options=tuple(text.options[i] for i in order),
            correct_option_ids=tuple(
                shown for shown, original in enumerate(order) if original == question.answer
            )
            if question.kind == "choice"
            else (),
            option_order=tuple(order),
            round_id=round_id,
            round_left=round_left,
            position=position,
            is_new=is_new,
        )

    # -- recording ------------------------------------------------------------------------------

    async def record_receipt(
        self,
        session: AsyncSession,
        sent: Mapping[str, Any],
        chat_id: int,
        poll_id: str | None,
        message_id: int,
    ) -> None:
        """Remember a question Telegram accepted, so its answer finds the learner and card.

        `sent` is the receipt payload of `coach.quiz.replies.item_reply`.
        """
        round_id = sent["round_id"]
        prompt = await QuizRepository(session).add_prompt(
            QuizPrompt(
                user_id=int(sent["user_id"]),
                question_id=str(sent["question_id"]),
                kind=str(sent["kind"]),
                chat_id=chat_id,
                language=str(sent["language"]),
                poll_id=poll_id,
                message_id=message_id,
                correct_option_ids=[int(i) for i in sent["correct_option_ids"]],
                option_order=[int(i) for i in sent["option_order"]],
                sent_at=self.clock.now(),
                round_id=int(round_id) if round_id is not None else None,
                round_left=int(sent["round_left"]),
            )
        )
        if prompt.round_id is None:
            prompt.round_id = prompt.id

    async def answer_poll(
        self, session: AsyncSession, user_id: int, poll_id: str, option_ids: list[int]
    ) -> PollAnswered | PollIgnored:
        """Record a quiz poll answer, reschedule the card, and find the round's next question."""
        quizzes = QuizRepository(session)
        prompt = await quizzes.prompt_for_poll(poll_id)
        if prompt is None:
            return PollIgnored(user_id, "quiz.unknown_poll")
        if prompt.user_id != user_id:
            return PollIgnored(user_id, "quiz.not_yours")
        if prompt.answered_at is not None or not option_ids:
            return PollIgnored(user_id)  # quizzes allow one answer; a retraction changes nothing
        question = self.bank.get(prompt.question_id)
        now = self.clock.now()
        correct = sorted(option_ids) == sorted(prompt.correct_option_ids)
        latency = now - prompt.sent_at
        rating = rating_for_choice(correct, latency)
        prompt.answered_at = now
        prompt.chosen_option_ids = list(option_ids)
        prompt.correct = correct
        prompt.score = 1.0 if correct else 0.0
        prompt.latency_ms = max(0, int(latency.total_seconds() * 1000))
        prompt.rating = int(rating)
        who = Identity(user_id=user_id, chat_id=prompt.chat_id)
        profile = await self.learners.profile(session, who)
        if question is None:
            # The bank no longer has this question: keep the answer, schedule nothing.
            return PollIgnored(user_id, "quiz.unknown_poll")
        due = await self._review(session, user_id, question.id, prompt.rating, now)
        next_item, summary = await self._next_in_round(session, who, prompt)
        return PollAnswered(
            profile, prompt.chat_id, question, correct, prompt.rating, due, next_item, summary
        )

    async def _review(
        self, session: AsyncSession, user_id: int, question_id: str, rating: int, now: datetime
    ) -> datetime:
        quizzes = QuizRepository(session)
        card = await quizzes.card(user_id, question_id)
        reviewed = self.srs.review(card.fsrs if card else None, Rating(rating), now)
        if card is None:
            await quizzes.add_card(
                QuizCard(
                    user_id=user_id,
                    question_id=question_id,
                    fsrs=reviewed.state,
                    due=reviewed.due,
                    reviews=1,
                    lapses=0,
                    last_review_at=now,
                    created_at=now,
                )
            )
            return reviewed.due
        # A new dict, so SQLAlchemy sees the JSON column change.
        card.fsrs = dict(reviewed.state)
        card.due = reviewed.due
        card.reviews += 1
        card.lapses += int(reviewed.lapse)
        card.last_review_at = now
        return reviewed.due

    async def pending_explain(self, session: AsyncSession, who: Identity) -> PendingExplain | None:
        """The free-text question the learner's next plain message answers, if any."""
        profile = await self.learners.profile(session, who)
        now = self.clock.now()
        prompts = await QuizRepository(session).open_prompts(profile.user_id, now - EXPLAIN_WAIT)
        explains = sorted((p for p in prompts if p.kind == "explain"), key=lambda p: p.sent_at)
        if not explains:
            return None
        prompt = explains[-1]
        question = self.bank.get(prompt.question_id)
        if question is None:
            return None
        return PendingExplain(prompt.id, profile, question, prompt.language)

    async def review_explain(
        self,
        session: AsyncSession,
        who: Identity,
        pending: PendingExplain,
        answer: str,
        grade: Grade,
    ) -> ExplainReviewed | None:
        """Store a graded free-text answer and reschedule its card; None if it was closed."""
        quizzes = QuizRepository(session)
        prompt = await quizzes.prompt(pending.prompt_id, who.user_id)
        if prompt is None or prompt.answered_at is not None or prompt.closed_at is not None:
            return None
        now = self.clock.now()
        rating = rating_for_score(grade.score)
        prompt.answered_at = now
        prompt.answer_text = answer[:MAX_ANSWER_LENGTH]
        prompt.score = grade.score
        prompt.correct = grade.score >= PASS_SCORE
        prompt.feedback = grade.feedback
        prompt.grader = grade.grader
        prompt.latency_ms = max(0, int((now - prompt.sent_at).total_seconds() * 1000))
        prompt.rating = int(rating)
        profile = await self.learners.profile(session, who)
        due = await self._review(session, who.user_id, pending.question.id, prompt.rating, now)
        next_item, summary = await self._next_in_round(session, who, prompt)
        return ExplainReviewed(
            profile,
            pending.question,
            pending.language,
            grade,
            prompt.rating,
            due,
            next_item,
            summary,
        )

    async def skip(self, session: AsyncSession, who: Identity) -> Skipped:
        """Skip the awaited free-text question; the round goes on with the next one."""
        pending = await self.pending_explain(session, who)
        if pending is None:
            return Skipped(await self.learners.profile(session, who), None, None)
        prompt = await QuizRepository(session).prompt(pending.prompt_id, who.user_id)
        assert prompt is not None
        prompt.closed_at = self.clock.now()
        next_item, _summary = await self._next_in_round(session, who, prompt)
        return Skipped(pending.profile, pending.question, next_item)

    # -- statistics -----------------------------------------------------------------------------

    async def stats(self, session: AsyncSession, who: Identity) -> QuizStats:
        """Accuracy per topic, cards and what is due."""
        profile = await self.learners.profile(session, who)
        quizzes = QuizRepository(session)
        now = self.clock.now()
        answered = await quizzes.answered(profile.user_id)
        cards = await quizzes.cards(profile.user_id)
        counts: dict[str, dict[str, int]] = {
            topic: {"answered": 0, "correct": 0, "cards": 0, "questions": 0} for topic in TOPICS
        }
        for question in self.bank.questions:
            counts[question.topic]["questions"] += 1
        for prompt in answered:
            asked = self.bank.get(prompt.question_id)
            if asked is not None:
                counts[asked.topic]["answered"] += 1
                counts[asked.topic]["correct"] += int(bool(prompt.correct))
        for card in cards:
            carded = self.bank.get(card.question_id)
            if carded is not None:
                counts[carded.topic]["cards"] += 1
        topics = tuple(
            TopicStats(topic, c["answered"], c["correct"], c["cards"], c["questions"])
            for topic, c in counts.items()
        )
        return QuizStats(
            profile=profile,
            topics=topics,
            answered=len(answered),
            correct=sum(1 for p in answered if p.correct),
            due_now=await quizzes.due_count(profile.user_id, now),
            next_due=await quizzes.next_due(profile.user_id, now),
            cards=len(cards),
        )


async def due_review_count(session: AsyncSession, user_id: int, now: datetime) -> int:
    """How many quiz cards are due for review at `now` (for the morning nudge)."""
    return await QuizRepository(session).due_count(user_id, now)
