"""/export: all of the learner's data as a JSON document."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile, Update

from bot.context import CoachContext
from bot.handling import identity, with_session
from coach.messages import t
from coach.study_export import export_document


@with_session
async def export(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Send everything stored about the learner as `study-coach-export-<date>.json`."""
    profile, document = await export_document(session, context.coach, identity(update))
    await session.commit()
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    today = context.coach.local_today(profile).isoformat()
    assert update.effective_message
    await update.effective_message.reply_document(
        InputFile(payload, filename=f"study-coach-export-{today}.json"),
        caption=t(
            profile.language,
            "export.caption",
            blocks=len(document["focus_blocks"]),
            notes=len(document["daily_notes"]),
            grants=len(document["reward_grants"]),
        ),
    )
