"""The coach's voice: grading free-text answers and short coaching replies.

Both use the LLM when one is configured and fall back to an offline rubric or reply when it
is not, fails or is too slow; the learner is always told which happened. The LLM is called
with no database transaction open (see bot/handlers/tutor.py), so a slow model never holds
a lock.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.render import local_time, topic_of
from coach.blocks.service import Coach
from coach.blocks.views import BlockView
from coach.clock import Clock
from coach.learners.profile import Identity, Profile
from coach.messages import t
from coach.plan.planner import Planner, TodaySuggestion, suggest_today
from coach.quiz.bank import Question, QuestionBank, load_bank
from coach.quiz.quizzer import Grade, PendingExplain
from coach.quiz.topics import TOPICS
from coach.tutor.intent import Intent, recognise
from coach.tutor.llm import LlmClient, LlmError
from coach.tutor.retrieval import CardHit, PlanHit, bank_library, plan_library
from coach.tutor.rubric import keyword_score
from db.models import CoachMessage
from db.study_repositories import ConversationRepository, QuizRepository

if TYPE_CHECKING:
    # Types only: `openai` itself is imported when an LLM client is made (coach/tutor/llm.py).
    from openai.types.chat import ChatCompletionMessageParam

# Turns of earlier conversation the LLM sees.
HISTORY_TURNS = 12
MAX_INPUT = 2000
MAX_REPLY = 1500
CHAT_TOKENS = 400
GRADE_TOKENS = 300
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)

_LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}

# Cards and plan items that ground a concept answer.
CARD_HITS = 3
PLAN_HITS = 2
# What a reply to "I don't feel like studying" looks for in the plan: the learner's own rule.
_RULE_QUERY = "不想学 很不想学 撑过 一个块 最小 don't feel like studying get through one block"

_CHAT_SYSTEM = """You are a warm, concise study coach chatting on Telegram with one learner \
who follows a six-week plan on multimodal large models (CNN/ResNet/RNN/Transformer, ViT, CLIP, \
LLaVA/Qwen-VL, SFT/PPO/DPO/GRPO). Their rule: a Minimum Viable Day is one 45-minute focus \
block followed by a small reward.
Reply in {language}, plain text without Markdown, in at most five short sentences. Ground the \
reply in the learner's situation below. When it helps, suggest one concrete next step with the \
bot's commands: /block (start a focus block), /quiz (review with quizzes), /plan (this week's \
checklist), /today (today's item), /check N (tick item N). If they ask a technical question, \
answer it briefly and correctly.

The learner's situation today ({date}):
{situation}

What the learner's plan and the question bank say about this message (retrieved; use it, \
and name the plan's week and item when the plan covers the topic):
{retrieved}"""

_GRADE_SYSTEM = """You grade a learner's free-text explanation against a rubric. Be fair, \
specific and encouraging; a short answer that makes the points is fine. Reply with one JSON \
object and nothing else: {{"score": <integer 0-100>, "feedback": "<at most three short \
sentences in {language}: what was right, what is missing>"}}"""


@dataclass(frozen=True)
class ChatContext:
    """What a coaching reply is grounded in, read before the LLM is called."""

    profile: Profile
    today: TodaySuggestion
    blocks_today: int
    minutes_today: int
    streak: int
    due_reviews: int
    history: tuple[tuple[str, str], ...]  # (role, content), oldest first
    now: datetime | None = None
    running: BlockView | None = None  # the focus block under way, if any
    short_block_minutes: int = 35  # the shortest block that still earns a reward


@dataclass(frozen=True)
class Grounding:
    """What a message asks (by keywords) and what the plan and the bank say about it."""

    intent: Intent
    plan_hits: tuple[PlanHit, ...] = ()  # checklist items, best first
    cards: tuple[CardHit, ...] = ()  # bank questions, best first
    rule: str | None = None  # the plan's own line about not wanting to study
    topic_cards: int = 0  # how many cards the bank has on the best card's topic

    @property
    def topic(self) -> str | None:
        """The quiz topic of the best card, if any."""
        return self.cards[0].question.topic if self.cards else None


@dataclass(frozen=True)
class Offers:
    """Buttons the reply comes with: a short block, a quiz card on a topic."""

    block_minutes: int | None = None
    quiz_topic: str | None = None


@dataclass(frozen=True)
class CoachReply:
    """A reply to a plain message: from the LLM, or the offline one and why."""

    text: str
    source: str  # llm | offline
    fallback: str | None = None  # not_configured | timeout | failed | bad_reply
    offers: Offers = field(default_factory=Offers)


class Tutor:
    """Grading and chat; the only part of the coach that talks to the LLM."""

    def __init__(
        self,
        llm: LlmClient | None,
        coach: Coach,
        planner: Planner,
        clock: Clock,
        bank: QuestionBank | None = None,
    ) -> None:
        self.llm = llm
        self.coach = coach
        self.planner = planner
        self.clock = clock
        self.bank = bank if bank is not None else _package_bank()

    async def close(self) -> None:
        """Close the LLM client's connections."""
        if self.llm is not None:
            await self.llm.close()

    # -- grading ------------------------------------------------------------------------------

    async def grade(self, pending: PendingExplain, answer: str) -> Grade:
        """Grade a free-text answer with the LLM, or offline when it cannot."""
        if self.llm is None:
            return self.grade_offline(pending.question, pending.language, answer, "not_configured")
        try:
            return await self._grade_with_llm(self.llm, pending, answer)
        except LlmError as error:
            return self.grade_offline(pending.question, pending.language, answer, error.reason)

    async def _grade_with_llm(self, llm: LlmClient, pending: PendingExplain, answer: str) -> Grade:
        question, language = pending.question, pending.language
        text = question.text(language)
        points = "\n".join(
            f"{number}. {point.text(language)}" for number, point in enumerate(question.rubric, 1)
        )
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": _GRADE_SYSTEM.format(language=_LANGUAGE_NAMES[language])},
            {
                "role": "user",
                "content": (
                    f"Question: {text.question}\n\nRubric points:\n{points}\n\n"
                    f"Reference answer: {text.model_answer}\n\n"
                    f'Learner\'s answer: """{answer[:MAX_INPUT]}"""'
                ),
            },
        ]
        reply = await llm.complete(messages, max_tokens=GRADE_TOKENS, temperature=0.0)
        score, feedback = _parse_grade(reply)
        return Grade(score=score, feedback=feedback, grader="llm")

    def grade_offline(
        self, question: Question, language: str, answer: str, reason: str | None
    ) -> Grade:
        """Keyword rubric: each point counts when one of its keywords shows in the answer."""
        score, covered = keyword_score(question, answer)
        lines = [
            t(
                language,
                "tutor.point_hit" if hit else "tutor.point_missed",
                point=point.text(language),
            )
            for point, hit in zip(question.rubric, covered, strict=True)
        ]
        return Grade(
            score=score,
            feedback="\n".join(lines),
            grader="offline",
            covered=covered,
            fallback=reason,
        )

    # -- chat ---------------------------------------------------------------------------------

    async def chat_context(self, session: AsyncSession, who: Identity) -> ChatContext:
        """Read what the reply is grounded in: the plan week, today's progress, the history."""
        status = await self.coach.status(session, who)
        state = await self.planner.state(session, who)
        now = self.clock.now()
        due = await QuizRepository(session).due_count(status.profile.user_id, now)
        turns = await ConversationRepository(session).recent(status.profile.user_id, HISTORY_TURNS)
        # Offline replies are canned text; the model should not imitate them.
        history = tuple(
            (turn.role, turn.content)
            for turn in turns
            if turn.role == "user" or turn.source == "llm"
        )
        return ChatContext(
            profile=status.profile,
            today=suggest_today(state),
            blocks_today=status.blocks_today,
            minutes_today=status.minutes_today,
            streak=status.streak,
            due_reviews=due,
            history=history,
            now=now,
            running=status.running,
            short_block_minutes=status.standard_minutes,
        )

    def ground(self, context: ChatContext, text: str) -> Grounding:
        """The message's intent and what the plan and the bank say about it."""
        return ground(context, self.bank, text)

    async def reply(self, context: ChatContext, text: str) -> CoachReply:
        """A short coaching reply from the LLM, or the offline one when it cannot.

        Both are grounded in the same retrieval over the plan and the question bank; the
        offline reply answers by the message's intent, and so do its buttons.
        """
        grounding = self.ground(context, text)
        if self.llm is None:
            return _offline(context, grounding, "not_configured")
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self._system_prompt(context, grounding)}
        ]
        for role, content in context.history:
            if role == "user":
                messages.append({"role": "user", "content": content})
            else:
                messages.append({"role": "assistant", "content": content})
        messages.append({"role": "user", "content": text[:MAX_INPUT]})
        try:
            answer = await self.llm.complete(messages, max_tokens=CHAT_TOKENS)
        except LlmError as error:
            return _offline(context, grounding, error.reason)
        return CoachReply(answer[:MAX_REPLY], "llm")

    def _system_prompt(self, context: ChatContext, grounding: Grounding) -> str:
        language = context.profile.language
        return _CHAT_SYSTEM.format(
            language=_LANGUAGE_NAMES.get(language, "Simplified Chinese"),
            date=context.today.state.today.isoformat(),
            situation=situation(context),
            retrieved=retrieved(grounding, language),
        )

    async def remember(
        self, session: AsyncSession, who: Identity, said: str, reply: CoachReply
    ) -> Profile:
        """Store both turns of an exchange."""
        profile = await self.coach.learners.profile(session, who)
        conversation = ConversationRepository(session)
        now = self.clock.now()
        await conversation.add(
            CoachMessage(
                user_id=profile.user_id, role="user", content=said[:MAX_INPUT], created_at=now
            )
        )
        await conversation.add(
            CoachMessage(
                user_id=profile.user_id,
                role="assistant",
                content=reply.text,
                source=reply.source,
                created_at=now,
            )
        )
        return profile


def situation(context: ChatContext) -> str:
    """The learner's situation as plain facts for the LLM (English; the model replies in kind)."""
    suggestion = context.today
    view, state = suggestion.view, suggestion.state
    week = view.week
    if suggestion.before_start:
        timing = f"The plan starts on {state.start_date.isoformat()}; week 1 is shown."
    elif suggestion.after_end:
        timing = f"The plan's {state.plan.last_week} weeks are over; the last week is shown."
    else:
        timing = f"Today is day {view.day} of week {view.number} of {state.plan.last_week}."
    item = suggestion.item
    lines = [
        timing,
        f"Week {view.number}: {week.title} (theme: {week.theme})",
        f"Week goal: {week.goal or '-'}",
        f"Deliverable: {week.deliverable or '-'}",
        f"Checklist: {view.done} of {view.total} items done",
        f"Today's suggested item: {item.text if item else 'none left this week'}",
        f"Focus blocks today: {context.blocks_today} ({context.minutes_today} minutes); "
        f"streak: {context.streak} days",
        f"Quiz cards due for review: {context.due_reviews}",
    ]
    if context.running is not None and context.now is not None:
        lines.append(
            f"A focus block on {context.running.topic or 'no topic'!r} is running now, "
            f"{context.running.remaining_minutes(context.now)} minutes left: keep them in it"
        )
    return "\n".join(f"- {line}" for line in lines)


def retrieved(grounding: Grounding, language: str) -> str:
    """The retrieved plan lines and cards as plain facts for the LLM."""
    lines = []
    if grounding.rule:
        lines.append(f"The plan's own rule for such days: {grounding.rule}")
    for hit in grounding.plan_hits:
        passage = hit.passage
        lines.append(
            f"Plan week {passage.week} ({passage.week_title}), item {passage.item_number}: "
            f"{passage.text}"
        )
    for card in grounding.cards:
        text = card.question.text(language)
        lines.append(
            f"Quiz card ({TOPICS[card.question.topic].en}): {text.question} "
            f"Explanation: {text.explanation or text.model_answer}"
        )
    return "\n".join(f"- {line}" for line in lines) if lines else "- nothing found"


def ground(context: ChatContext, bank: QuestionBank, text: str) -> Grounding:
    """Recognise the intent, then retrieve what the plan and the bank say about the message."""
    intent = recognise(text)
    language = context.profile.language
    plan = context.today.state.plan
    if intent == "unwilling":
        rule = next(
            (
                hit.passage.text
                for hit in plan_library(plan).search(f"{text} {_RULE_QUERY}", 5)
                if hit.passage.item_number is None and recognise(hit.passage.text) == "unwilling"
            ),
            None,
        )
        return Grounding(intent, rule=rule)
    if intent == "progress":
        return Grounding(intent)
    cards = tuple(bank_library(bank, language).search(text, CARD_HITS))
    # The best card's topic words carry the question across languages: "residual connection"
    # finds a Chinese plan's 残差 item.
    topic_words = " ".join(TOPICS[cards[0].question.topic].keywords) if cards else ""
    plan_hits = tuple(
        plan_library(plan).search(f"{text} {topic_words}", PLAN_HITS, items_only=True)
    )
    if cards and plan_hits:
        # The plan's own wording sharpens the question ("InfoNCE" → "对比学习损失的基本形式"),
        # so the card that explains the idea outranks one on a detail of it.
        refined = bank_library(bank, language).search(
            f"{text} {plan_hits[0].passage.text}", CARD_HITS
        )
        if refined and refined[0].question.topic == cards[0].question.topic:
            cards = tuple(refined)
    if intent == "chat" and not _names_topic(text):
        return Grounding("chat", plan_hits, cards)
    if not cards and not plan_hits:
        return Grounding("chat")
    topic = cards[0].question.topic if cards else None
    count = sum(1 for question in bank.questions if question.topic == topic)
    return Grounding("concept", plan_hits, cards, topic_cards=count)


def _names_topic(text: str) -> bool:
    """Whether the message names a quiz topic outright ("InfoNCE", "残差")."""
    return _TOPIC_WORDS.search(text.lower()) is not None


# Latin keywords as whole words ("vit" is not in "activity"); Chinese ones anywhere.
_TOPIC_WORDS = re.compile(
    "|".join(
        rf"\b{re.escape(keyword)}\b" if keyword.isascii() else re.escape(keyword)
        for topic in TOPICS.values()
        for keyword in topic.keywords
    )
)


def _offline(context: ChatContext, grounding: Grounding, reason: str) -> CoachReply:
    text, offers = offline_answer(context, grounding)
    return CoachReply(text, "offline", reason, offers)


def offline_answer(context: ChatContext, grounding: Grounding) -> tuple[str, Offers]:
    """The offline reply to what was asked, and the buttons that go with it."""
    language = context.profile.language
    parts: list[str] = []
    running = context.running
    if running is not None and context.now is not None:
        remaining = running.remaining_minutes(context.now)
        parts.append(
            t(
                language,
                "tutor.running",
                topic=topic_of(context.profile, running),
                remaining=remaining,
                end=local_time(context.profile, running.planned_end_at, context.now),
            )
        )
        if grounding.intent == "unwilling":
            parts.append(t(language, "tutor.running_unwilling", remaining=remaining))
            return "\n".join(parts), Offers()
        if grounding.intent != "concept":
            parts.append(t(language, "tutor.running_later"))
            parts.append(_today_line(context))
            return "\n".join(parts), Offers()
    if grounding.intent == "unwilling":
        if grounding.rule:
            parts.append(t(language, "tutor.unwilling_quote", rule=grounding.rule))
        else:
            parts.append(t(language, "tutor.unwilling_rule"))
        minutes = context.short_block_minutes
        parts.append(t(language, "tutor.unwilling_offer", minutes=minutes))
        return "\n".join(parts), Offers(block_minutes=minutes)
    if grounding.intent == "concept":
        parts.extend(_concept_lines(grounding, language))
        topic = grounding.topic
        if topic is not None:
            name = TOPICS[topic].name(language)
            count = grounding.topic_cards
            parts.append(t(language, "tutor.concept_cards", count=count, topic=name))
            return "\n".join(parts), Offers(quiz_topic=topic)
        return "\n".join(parts), Offers()
    parts.append(offline_reply(context))
    if grounding.intent == "progress":
        parts.insert(
            -1,
            t(language, "status.streak", days=context.streak)
            if context.streak
            else t(language, "status.streak_none"),
        )
    return "\n".join(parts), Offers()


def _concept_lines(grounding: Grounding, language: str) -> list[str]:
    lines = []
    if grounding.plan_hits:
        passage = grounding.plan_hits[0].passage
        lines.append(
            t(
                language,
                "tutor.concept_plan",
                week=passage.week,
                title=passage.week_title,
                number=passage.item_number,
                item=passage.label,
            )
        )
    if grounding.cards:
        text = grounding.cards[0].question.text(language)
        lines.append(
            t(
                language,
                "tutor.concept_explanation",
                explanation=text.explanation or text.model_answer,
            )
        )
    return lines


def _today_line(context: ChatContext) -> str:
    return t(
        context.profile.language,
        "tutor.offline_today",
        blocks=context.blocks_today,
        minutes=context.minutes_today,
    )


@cache
def _package_bank() -> QuestionBank:
    return load_bank()


def offline_reply(context: ChatContext) -> str:
    """A short helpful reply without an LLM, grounded in the week and today's progress."""
    language = context.profile.language
    suggestion = context.today
    view = suggestion.view
    item = suggestion.item
    parts = [
        t(
            language,
            "tutor.offline_week",
            week=view.number,
            title=view.week.title or view.week.theme,
            done=view.done,
            total=view.total,
        )
    ]
    if item is not None:
        parts.append(t(language, "tutor.offline_item", item=item.text, number=view.position(item)))
    else:
        parts.append(t(language, "tutor.offline_week_done"))
    parts.append(
        t(
            language,
            "tutor.offline_today",
            blocks=context.blocks_today,
            minutes=context.minutes_today,
        )
    )
    if context.due_reviews:
        parts.append(t(language, "tutor.offline_due", count=context.due_reviews))
    parts.append(t(language, "tutor.offline_commands"))
    return "\n".join(parts)


def _parse_grade(reply: str) -> tuple[float, str]:
    """Score (0..1) and feedback from the model's JSON; LlmError('bad_reply') otherwise."""
    found = _JSON_OBJECT.search(reply)
    if found is None:
        raise LlmError("bad_reply", "no JSON object")
    try:
        data = json.loads(found.group(0))
    except json.JSONDecodeError as error:
        raise LlmError("bad_reply", "invalid JSON") from error
    score, feedback = (
        (data.get("score"), data.get("feedback")) if isinstance(data, dict) else (None, None)
    )
    if (
        isinstance(score, bool)
        or not isinstance(score, int | float)
        or not isinstance(feedback, str)
    ):
        raise LlmError("bad_reply", "score or feedback missing")
    if not feedback.strip():
        raise LlmError("bad_reply", "empty feedback")
    return min(max(float(score), 0.0), 100.0) / 100.0, feedback.strip()[:MAX_REPLY]
