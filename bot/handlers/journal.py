"""Recaps, notes and plain text."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import CoachContext
from bot.handlers import tutor
from bot.handling import command_payload, identity, with_session
from coach.blocks import render
from coach.blocks.service import MAX_NOTE_LENGTH, RecapSaved
from coach.messages import t


@with_session
async def recap(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Save `/recap text` as the recap of the block that just ended."""
    message = update.effective_message
    assert message
    text = command_payload(message)
    who = identity(update)
    if not text:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, "recap.usage"))
        return
    await _save_recap(update, context, session, text)


async def _save_recap(
    update: Update, context: CoachContext, session: AsyncSession, text: str
) -> None:
    message = update.effective_message
    assert message
    who = identity(update)
    if len(text) > MAX_NOTE_LENGTH:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, "text.too_long", limit=MAX_NOTE_LENGTH))
        return
    outcome = await context.coach.save_recap(session, who, text)
    await session.commit()
    if isinstance(outcome, RecapSaved):
        await message.reply_text(
            t(
                outcome.profile.language,
                "recap.saved",
                topic=render.topic_of(outcome.profile, outcome.block),
            )
        )
    else:
        await message.reply_text(t(outcome.profile.language, "recap.no_block"))


@with_session
async def note(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Add `/note text` to today's log."""
    message = update.effective_message
    assert message
    text = command_payload(message)
    who = identity(update)
    if not text or len(text) > MAX_NOTE_LENGTH:
        profile = await context.coach.profile(session, who)
        await session.commit()
        key = "note.usage" if not text else "note.too_long"
        await message.reply_text(t(profile.language, key, limit=MAX_NOTE_LENGTH))
        return
    saved = await context.coach.add_note(session, who, text)
    await session.commit()
    await message.reply_text(
        t(
            saved.profile.language,
            "note.saved",
            date=saved.local_date.isoformat(),
            count=saved.count_today,
        )
    )


@with_session
async def plain_text(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """A recap when one is awaited (it comes first); otherwise a quiz answer or the coach."""
    message = update.effective_message
    assert message and message.text is not None
    who = identity(update)
    if await context.coach.awaiting_recap(session, who):
        await _save_recap(update, context, session, message.text.strip())
        return
    await tutor.answer_text(update, context, session, message.text.strip())
