"""Recaps, notes and plain text."""

from __future__ import annotations

from dataclasses import replace

from bot.handlers import tutor
from bot.handling import Decided, Turn, handler
from coach.blocks import render
from coach.blocks.recaps import RECAP_WINDOW, may_be_recap
from coach.blocks.service import MAX_NOTE_LENGTH, RecapSaved, RecapShown
from coach.messages import t
from coach.replies import Answer, Refusal, Reply


@handler
async def recap(turn: Turn) -> str:
    """`/recap text` sets or replaces the latest block's recap; `/recap` shows it."""
    text = turn.payload
    if not text:
        shown = await turn.services.coach.latest_recap(turn.session, turn.who)
        if not isinstance(shown, RecapShown):
            return t(shown.profile.language, "recap.no_block")
        return render.recap_shown(shown, turn.services.clock.now())
    return await _save_recap(turn, text)


async def _save_recap(turn: Turn, text: str) -> str:
    if len(text) > MAX_NOTE_LENGTH:
        raise Refusal("text.too_long", limit=MAX_NOTE_LENGTH)
    outcome = await turn.services.coach.save_recap(turn.session, turn.who, text)
    if isinstance(outcome, RecapSaved):
        return render.recap_saved(outcome, turn.services.clock.now())
    return t(outcome.profile.language, "recap.no_block")


@handler
async def note(turn: Turn) -> str:
    """Add `/note text` to today's log."""
    text = turn.payload
    if not text or len(text) > MAX_NOTE_LENGTH:
        raise Refusal("note.usage" if not text else "note.too_long", limit=MAX_NOTE_LENGTH)
    saved = await turn.services.coach.add_note(turn.session, turn.who, text)
    return t(
        saved.profile.language,
        "note.saved",
        date=saved.local_date.isoformat(),
        count=saved.count_today,
    )


@handler
async def plain_text(turn: Turn) -> Decided:
    """A recap when one is awaited and the message may be one (see `coach.blocks.recaps`);
    otherwise a quiz answer or the coach, with a word on why it was not taken as the recap."""
    text = (turn.message.text or "").strip()
    wait = await turn.services.coach.recap_wait(turn.session, turn.who)
    if wait.awaiting and may_be_recap(text):
        return await _save_recap(turn, text)
    hint = None
    if wait.block is not None:
        topic = render.topic_of(wait.profile, wait.block)
        if wait.expired:
            hours = int(RECAP_WINDOW.total_seconds() // 3600)
            hint = t(wait.profile.language, "recap.too_late", topic=topic, hours=hours)
        else:
            hint = t(wait.profile.language, "recap.not_a_recap", topic=topic)
    answer = await tutor.answer_text(turn, text)
    if answer is not None and wait.expired and wait.block is not None:
        # The coach's answer stepped out of the transaction (a model call may be slow), which
        # undid recap_wait's drop of the expired wait: drop it again, so the notice comes once.
        await turn.services.coach.drop_recap_wait(turn.session, turn.who, wait.block.id)
    return _after_hint(hint, answer)


def _after_hint(hint: str | None, answer: Decided) -> Decided:
    """The coach's answer, preceded by `hint` (why the message was not saved as a recap)."""
    if hint is None or answer is None:
        return answer
    if isinstance(answer, str):
        return Answer.of(Reply(hint), Reply(answer))
    if isinstance(answer, Reply):
        return Answer.of(Reply(hint), answer)
    return replace(answer, replies=(Reply(hint), *answer.replies))
