"""The coach's voice: grading free-text answers and short coaching replies.

Both use the LLM when one is configured and fall back to an offline rubric or reply when it
is not, fails or is too slow; the learner is always told which happened. The LLM is called
with no database transaction open (see bot/handlers/tutor.py), so a slow model never holds
a lock.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from openai.types.chat import ChatCompletionMessageParam
from sqlalchemy.ext.asyncio import AsyncSession

from coach.blocks.service import Coach
from coach.clock import Clock
from coach.learners.profile import Identity, Profile
from coach.messages import t
from coach.plan.planner import Planner, TodaySuggestion, suggest_today
from coach.quiz.bank import Question
from coach.quiz.quizzer import Grade, PendingExplain
from coach.tutor.llm import LlmClient, LlmError
from coach.tutor.rubric import keyword_score
from db.models import CoachMessage
from db.study_repositories import ConversationRepository, QuizRepository

# Turns of earlier conversation the LLM sees.
HISTORY_TURNS = 12
MAX_INPUT = 2000
MAX_REPLY = 1500
CHAT_TOKENS = 400
GRADE_TOKENS = 300
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)

_LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}

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
{situation}"""

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


@dataclass(frozen=True)
class CoachReply:
    """A reply to a plain message: from the LLM, or the offline one and why."""

    text: str
    source: str  # llm | offline
    fallback: str | None = None  # not_configured | timeout | failed | bad_reply


class Tutor:
    """Grading and chat; the only part of the coach that talks to the LLM."""

    def __init__(self, llm: LlmClient | None, coach: Coach, planner: Planner, clock: Clock) -> None:
        self.llm = llm
        self.coach = coach
        self.planner = planner
        self.clock = clock

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
        )

    async def reply(self, context: ChatContext, text: str) -> CoachReply:
        """A short coaching reply from the LLM, or the offline one when it cannot."""
        if self.llm is None:
            return CoachReply(offline_reply(context), "offline", "not_configured")
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self._system_prompt(context)}
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
            return CoachReply(offline_reply(context), "offline", error.reason)
        return CoachReply(answer[:MAX_REPLY], "llm")

    def _system_prompt(self, context: ChatContext) -> str:
        language = context.profile.language
        return _CHAT_SYSTEM.format(
            language=_LANGUAGE_NAMES.get(language, "Simplified Chinese"),
            date=context.today.state.today.isoformat(),
            situation=situation(context),
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
    return "\n".join(f"- {line}" for line in lines)


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
