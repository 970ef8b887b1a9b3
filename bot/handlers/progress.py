"""/progress: one picture of the whole plan so far."""

from __future__ import annotations

import asyncio

from bot.handling import Decided, Turn, handler
from coach.messages import t
from coach.pictures.progress import draw_progress
from coach.progress.gather import progress_data
from coach.replies import Reply


@handler
async def progress(turn: Turn) -> Decided:
    """Draw the calendar, the checklists, the streaks and quiz accuracy, off the event loop."""
    services = turn.services
    profile = await turn.profile()
    data = await progress_data(
        turn.session,
        profile.user_id,
        services.clock.now(),
        services.quizzer.bank,
        default_standard=services.settings.reward_min_minutes,
    )
    assert data is not None, "turn.profile() enrolled the learner"
    # Drawing takes a while the first time (matplotlib loads): hold no transaction meanwhile.
    await turn.pause_for_slow_io()
    picture = await asyncio.to_thread(draw_progress, data)
    if not await turn.resume():
        return None
    caption = t(profile.language, "progress.caption")
    return Reply.photo(picture.png, "progress.png", caption)
