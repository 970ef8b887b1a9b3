"""What the bot told learners it did, and the check that each of those things is in the database.

A learner script (below) drives a user through a session and records an acknowledgement
only when the bot's confirming reply arrived. After faults, `missing()` lists every
acknowledged fact the database does not hold — which must be none, because the bot commits
before it replies.

To cover a new feature (vision exchanges, scheduled recaps), add a kind: a
checker in CHECKS that looks the fact up, and steps in a script that record it when the
confirming reply arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import BlockStatus, DailyNote, FocusBlock, QuizPrompt, RewardGrant
from emulator import EmulatedUser, SentMessage


@dataclass(frozen=True)
class Ack:
    """One fact the bot confirmed to a learner."""

    kind: str
    user_id: int
    value: str


Checker = Callable[[AsyncSession, Ack], Awaitable[bool]]


async def _block_started(session: AsyncSession, ack: Ack) -> bool:
    return (
        await session.scalar(
            select(FocusBlock.id).where(
                FocusBlock.user_id == ack.user_id, FocusBlock.topic == ack.value
            )
        )
    ) is not None


async def _block_completed(session: AsyncSession, ack: Ack) -> bool:
    return (
        await session.scalar(
            select(FocusBlock.id).where(
                FocusBlock.user_id == ack.user_id,
                FocusBlock.topic == ack.value,
                FocusBlock.status == BlockStatus.COMPLETED,
            )
        )
    ) is not None


async def _recap(session: AsyncSession, ack: Ack) -> bool:
    return (
        await session.scalar(
            select(FocusBlock.id).where(
                FocusBlock.user_id == ack.user_id, FocusBlock.recap == ack.value
            )
        )
    ) is not None


async def _note(session: AsyncSession, ack: Ack) -> bool:
    return (
        await session.scalar(
            select(DailyNote.id).where(
                DailyNote.user_id == ack.user_id, DailyNote.text == ack.value
            )
        )
    ) is not None


async def _grant(session: AsyncSession, ack: Ack) -> bool:
    return (
        await session.scalar(
            select(RewardGrant.id).where(
                RewardGrant.user_id == ack.user_id, RewardGrant.title == ack.value
            )
        )
    ) is not None


async def _quiz_answer(session: AsyncSession, ack: Ack) -> bool:
    # The value is "<poll id>:<chosen option>"; the answer must be stored as chosen.
    poll_id, chosen = ack.value.rsplit(":", 1)
    prompt = await session.scalar(
        select(QuizPrompt).where(QuizPrompt.user_id == ack.user_id, QuizPrompt.poll_id == poll_id)
    )
    return (
        prompt is not None
        and prompt.answered_at is not None
        and prompt.chosen_option_ids == [int(chosen)]
    )


CHECKS: dict[str, Checker] = {
    "block_started": _block_started,
    "block_completed": _block_completed,
    "recap": _recap,
    "note": _note,
    "grant": _grant,
    "quiz_answer": _quiz_answer,
}


@dataclass
class AckLedger:
    """Every acknowledgement seen in a run."""

    acks: list[Ack] = field(default_factory=list)

    def add(self, kind: str, user_id: int, value: str) -> None:
        """Record that the bot confirmed this fact."""
        assert kind in CHECKS, f"no checker for {kind!r}"
        self.acks.append(Ack(kind, user_id, value))

    def kinds(self) -> set[str]:
        """The kinds of facts acknowledged."""
        return {ack.kind for ack in self.acks}

    async def missing(self, database_url: str) -> list[Ack]:
        """Acknowledged facts the database does not hold."""
        database = Database(database_url)
        try:
            async with database.session() as session:
                return [ack for ack in self.acks if not await CHECKS[ack.kind](session, ack)]
        finally:
            await database.dispose()


async def _answer(user: EmulatedUser, before: int, within: float) -> str | None:
    """The text of the next callback answer after `before` answers, if one comes."""
    try:
        async with asyncio.timeout(within):
            while len(user.callback_answers) <= before:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        return None
    return str(user.callback_answers[before]["text"] or "")


async def until(
    user: EmulatedUser, wanted: str, since: int, within: float, *, fresh: bool = False
) -> SentMessage | None:
    """A message containing `wanted`; None once an apology came after message number `since`,
    or after `within` s. Under faults replies may come in any order, so earlier messages
    count too, unless `fresh` (for texts that repeat)."""
    try:
        async with asyncio.timeout(within):
            while True:
                for message in user.messages[since if fresh else 0 :]:
                    if wanted in (message.text or ""):
                        return message
                if any("抱歉" in (m.text or "") for m in user.messages[since:]):
                    return None
                await asyncio.sleep(0.05)
    except TimeoutError:
        return None


async def focus_session(user: EmulatedUser, ledger: AckLedger, tag: str, within: float) -> None:
    """A learner's loop: block, its end, recap, reward, note — acknowledging what is confirmed.

    Under faults a reply may be late, lost or an apology; the script carries on regardless and
    records only what the bot confirmed.
    """
    topic = f"topic-{tag}"
    since = len(user.messages)
    user.send_text(f"/block 1 {topic}")
    if await until(user, f"专注块开始：{topic}", since, within) is not None:
        ledger.add("block_started", user.id, topic)
    ending = await until(user, f"专注块完成：{topic}", since, within)
    if ending is not None:
        ledger.add("block_completed", user.id, topic)
        recap = f"recap-{tag}: Q K V"
        since = len(user.messages)
        user.send_text(recap)
        if await until(user, f"小结已保存到「{topic}」", since, within) is not None:
            ledger.add("recap", user.id, recap)
        if ending.buttons:
            title = ending.buttons[0][0]
            before = len(user.callback_answers)
            user.press(ending, title)
            answer = await _answer(user, before, within)
            if answer is not None and f"去享受吧：{title}" in answer:
                ledger.add("grant", user.id, title)
    note = f"note-{tag}: InfoNCE pulls pairs together"
    since = len(user.messages)
    user.send_text(f"/note {note}")
    if await until(user, "今日记录", since, within) is not None:
        ledger.add("note", user.id, note)


async def _next_poll(user: EmulatedUser, since: int, within: float) -> SentMessage | None:
    """The first quiz poll after message number `since`; None after an apology or `within` s."""
    try:
        async with asyncio.timeout(within):
            while True:
                fresh = user.messages[since:]
                for message in fresh:
                    if message.poll is not None:
                        return message
                if any("抱歉" in (m.text or "") for m in fresh):
                    return None
                await asyncio.sleep(0.05)
    except TimeoutError:
        return None


async def quiz_round(user: EmulatedUser, ledger: AckLedger, questions: int, within: float) -> None:
    """Start a quiz round and answer `questions` polls, one right and one wrong in turn.

    Telegram marks a quiz answer itself; the bot's acknowledgement is what it sends next (the
    next question, or the round's result), so an answer counts once that arrived.
    """
    since = len(user.messages)
    user.send_text("/quiz")
    poll_message = await _next_poll(user, since, within)
    for number in range(questions):
        if poll_message is None or poll_message.poll is None:
            return
        poll = poll_message.poll
        right = int(poll["correct_option_ids"][0])
        choice = right if number % 2 == 0 else (right + 1) % len(poll["options"])
        since = len(user.messages)
        user.answer_poll(str(poll["id"]), [choice])
        poll_message = await _next_poll(user, since, within)
        if poll_message is not None:
            ledger.add("quiz_answer", user.id, f"{poll['id']}:{choice}")
