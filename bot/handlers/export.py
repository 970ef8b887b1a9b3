"""/export: all of the learner's data as a JSON document."""

from __future__ import annotations

import json

from bot.handling import Turn, handler
from coach.messages import t
from coach.privacy.export import export_document
from coach.replies import Reply


@handler
async def export(turn: Turn) -> Reply:
    """Send everything stored about the learner as `study-coach-export-<date>.json`."""
    services = turn.services
    profile, document = await export_document(turn.session, services.learners, turn.who)
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    today = services.learners.local_today(profile).isoformat()
    caption = t(
        profile.language,
        "export.caption",
        blocks=len(document["focus_blocks"]),
        notes=len(document["daily_notes"]),
        grants=len(document["reward_grants"]),
    )
    return Reply.document(payload, f"study-coach-export-{today}.json", caption)
