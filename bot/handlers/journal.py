"""Recaps, notes and plain text."""

from __future__ import annotations

from bot.handlers import tutor
from bot.handling import Decided, Turn, handler
from coach.blocks import render
from coach.blocks.service import MAX_NOTE_LENGTH, RecapSaved
from coach.messages import t
from coach.replies import Refusal


@handler
async def recap(turn: Turn) -> str:
    """Save `/recap text` as the recap of the block that just ended."""
    text = turn.payload
    if not text:
        raise Refusal("recap.usage")
    return await _save_recap(turn, text)


async def _save_recap(turn: Turn, text: str) -> str:
    if len(text) > MAX_NOTE_LENGTH:
        raise Refusal("text.too_long", limit=MAX_NOTE_LENGTH)
    outcome = await turn.services.coach.save_recap(turn.session, turn.who, text)
    if isinstance(outcome, RecapSaved):
        topic = render.topic_of(outcome.profile, outcome.block)
        return t(outcome.profile.language, "recap.saved", topic=topic)
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
    """A recap when one is awaited (it comes first); otherwise a quiz answer or the coach."""
    text = (turn.message.text or "").strip()
    if await turn.services.coach.awaiting_recap(turn.session, turn.who):
        return await _save_recap(turn, text)
    return await tutor.answer_text(turn, text)
