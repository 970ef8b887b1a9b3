"""/start, /help, /lang and /timezone."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import keyboards
from bot.context import CoachContext
from bot.handling import command_payload, identity, with_session
from coach.blocks import render
from coach.messages import LANGUAGES, t


@with_session
async def start(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Greet the learner, set them up with a reward menu, and offer the language switch."""
    overview = await context.coach.onboard(session, identity(update))
    await session.commit()
    assert update.effective_message
    await update.effective_message.reply_text(
        render.welcome(overview), reply_markup=keyboards.language_picker()
    )


@with_session
async def help_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """List the commands."""
    profile = await context.coach.profile(session, identity(update))
    await session.commit()
    assert update.effective_message
    await update.effective_message.reply_text(t(profile.language, "help"))


@with_session
async def language(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Switch language with `/lang zh|en`."""
    message = update.effective_message
    assert message
    choice = command_payload(message).lower()
    who = identity(update)
    if choice not in LANGUAGES:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(
            t(profile.language, "lang.usage"), reply_markup=keyboards.language_picker()
        )
        return
    profile = await context.coach.set_language(session, who, choice)
    await session.commit()
    await message.reply_text(t(profile.language, "lang.set"))


@with_session
async def language_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Switch language from the 中文 / English buttons."""
    query = update.callback_query
    assert query and query.data
    profile = await context.coach.set_language(session, identity(update), query.data.split(":")[1])
    await session.commit()
    await query.answer(t(profile.language, "lang.set"))
    await context.bot.send_message(profile.chat_id, t(profile.language, "lang.set"))


@with_session
async def timezone(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Set the timezone with `/timezone Area/City`."""
    message = update.effective_message
    assert message
    name = command_payload(message)
    who = identity(update)
    if not name:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, "tz.usage", timezone=profile.timezone))
        return
    updated = await context.coach.set_timezone(session, who, name)
    await session.commit()
    if updated is None:
        profile = await context.coach.profile(session, who)
        await message.reply_text(t(profile.language, "tz.invalid", value=name[:64]))
        return
    now = context.services.clock.now()
    await message.reply_text(
        t(
            updated.language,
            "tz.set",
            timezone=updated.timezone,
            local_time=render.local_time(updated, now),
        )
    )
