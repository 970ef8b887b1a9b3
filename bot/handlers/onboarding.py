"""/start, /help, /lang and /timezone."""

from __future__ import annotations

from bot.handling import Turn, handler
from coach.blocks import render
from coach.learners.keyboards import language_picker
from coach.messages import LANGUAGES, t
from coach.replies import Answer, Refusal, Reply


@handler
async def start(turn: Turn) -> Reply:
    """Greet the learner, set them up with a reward menu, and offer the language switch."""
    overview = await turn.services.coach.onboard(turn.session, turn.who)
    return Reply(render.welcome(overview), keyboard=language_picker())


@handler
async def help_command(turn: Turn) -> Answer:
    """List the commands."""
    return await turn.say("help")


@handler
async def language(turn: Turn) -> Reply:
    """Switch language with `/lang zh|en`."""
    choice = turn.payload.lower()
    if choice not in LANGUAGES:
        return Reply(t(await turn.language(), "lang.usage"), keyboard=language_picker())
    profile = await turn.services.learners.set_language(turn.session, turn.who, choice)
    return Reply(t(profile.language, "lang.set"))


@handler
async def language_button(turn: Turn) -> Answer:
    """Switch language from the 中文 / English buttons."""
    chosen = turn.data.split(":")[1]
    profile = await turn.services.learners.set_language(turn.session, turn.who, chosen)
    text = t(profile.language, "lang.set")
    return Answer(replies=(Reply(text),), toast=text)


@handler
async def timezone(turn: Turn) -> str:
    """Set the timezone with `/timezone Area/City`."""
    name = turn.payload
    if not name:
        profile = await turn.profile()
        return t(profile.language, "tz.usage", timezone=profile.timezone)
    updated = await turn.services.learners.set_timezone(turn.session, turn.who, name)
    if updated is None:
        raise Refusal("tz.invalid", value=name[:64])
    now = turn.services.clock.now()
    return t(
        updated.language,
        "tz.set",
        timezone=updated.timezone,
        local_time=render.local_time(updated, now),
    )
