"""/block, /cancel, /status and the buttons under a running block."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot import keyboards
from bot.context import CoachContext
from bot.handling import identity, with_session
from bot.notify import send_block_ending
from coach.blocks import render
from coach.blocks.parsing import ArgumentError, parse_block_args
from coach.blocks.service import BlockAlreadyRunning, BlockCancelled, NoRunningBlock
from coach.messages import t
from jobs.blocks import schedule_block_end


@with_session
async def block(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Start a focus block: `/block [minutes] [topic]`."""
    message = update.effective_message
    assert message
    who = identity(update)
    try:
        request = parse_block_args(context.args or [])
    except ArgumentError as error:
        profile = await context.coach.profile(session, who)
        await session.commit()
        await message.reply_text(t(profile.language, error.key, **error.values))
        return
    outcome = await context.coach.start_block(session, who, request.minutes, request.topic)
    await session.commit()
    if isinstance(outcome, BlockAlreadyRunning):
        now = context.services.clock.now()
        await message.reply_text(
            render.block_already_running(outcome.profile, outcome.block, now),
            reply_markup=keyboards.block_controls(outcome.profile.language, outcome.block.id),
        )
        return
    schedule_block_end(context, outcome.block)
    await message.reply_text(
        render.block_started(outcome.profile, outcome.block),
        reply_markup=keyboards.block_controls(outcome.profile.language, outcome.block.id),
    )


@with_session
async def cancel(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """Cancel the running block with `/cancel`."""
    message = update.effective_message
    assert message
    outcome = await context.coach.cancel_block(session, identity(update))
    await session.commit()
    await message.reply_text(_cancel_text(outcome))


@with_session
async def block_button(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """*Finish early* or *Cancel* under a block."""
    query = update.callback_query
    assert query and query.data
    action = keyboards.parse_block_action(query.data)
    assert action, "the handler pattern only lets block actions through"
    who = identity(update)
    if action.action == "cancel":
        cancelled = await context.coach.cancel_block(session, who, action.block_id)
        await session.commit()
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        text = (
            t(cancelled.profile.language, "block.not_running")
            if isinstance(cancelled, NoRunningBlock)
            else _cancel_text(cancelled)
        )
        await context.bot.send_message(cancelled.profile.chat_id, text)
        return
    ending = await context.coach.finish_early(session, who, action.block_id)
    await session.commit()
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if isinstance(ending, NoRunningBlock):
        await context.bot.send_message(
            ending.profile.chat_id, t(ending.profile.language, "block.not_running")
        )
        return
    await send_block_ending(context, ending, early=True)


@with_session
async def status(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """The running block, today's blocks and minutes, and the streak."""
    report = await context.coach.status(session, identity(update))
    await session.commit()
    assert update.effective_message
    markup = (
        keyboards.block_controls(report.profile.language, report.running.id)
        if report.running
        else None
    )
    await update.effective_message.reply_text(render.status(report), reply_markup=markup)


def _cancel_text(outcome: BlockCancelled | NoRunningBlock) -> str:
    if isinstance(outcome, NoRunningBlock):
        return t(outcome.profile.language, "block.none_running")
    return t(
        outcome.profile.language,
        "block.cancelled",
        topic=render.topic_of(outcome.profile, outcome.block),
    )
