"""/block, /cancel, /status and the buttons under a running block."""

from __future__ import annotations

from bot.handling import Turn, handler
from coach.blocks import keyboards, render
from coach.blocks.parsing import parse_block_args
from coach.blocks.replies import block_ending_reply
from coach.blocks.service import BlockAlreadyRunning, BlockCancelled, NoRunningBlock
from coach.messages import t
from coach.replies import Answer, Reply
from jobs.blocks import schedule_block_end


@handler
async def block(turn: Turn) -> Reply:
    """Start a focus block: `/block [minutes] [topic]`."""
    request = parse_block_args(turn.args)
    outcome = await turn.services.coach.start_block(
        turn.session, turn.who, request.minutes, request.topic
    )
    controls = keyboards.block_controls(outcome.profile.language, outcome.block.id)
    if isinstance(outcome, BlockAlreadyRunning):
        now = turn.services.clock.now()
        text = render.block_already_running(outcome.profile, outcome.block, now)
        return Reply(text, keyboard=controls)
    started = outcome.block
    turn.after_commit(lambda: schedule_block_end(turn.context, started))
    return Reply(render.block_started(outcome.profile, outcome.block), keyboard=controls)


@handler
async def cancel(turn: Turn) -> str:
    """Cancel the running block with `/cancel`."""
    return _cancel_text(await turn.services.coach.cancel_block(turn.session, turn.who))


@handler
async def block_button(turn: Turn) -> Answer:
    """*Finish early* or *Cancel* under a block."""
    action = keyboards.parse_block_action(turn.data)
    assert action, "the handler pattern only lets block actions through"
    coach = turn.services.coach
    if action.action == "cancel":
        cancelled = await coach.cancel_block(turn.session, turn.who, action.block_id)
        text = (
            t(cancelled.profile.language, "block.not_running")
            if isinstance(cancelled, NoRunningBlock)
            else _cancel_text(cancelled)
        )
        return Answer(replies=(Reply(text),), clear_buttons=True)
    ending = await coach.finish_early(turn.session, turn.who, action.block_id)
    if isinstance(ending, NoRunningBlock):
        text = t(ending.profile.language, "block.not_running")
        return Answer(replies=(Reply(text),), clear_buttons=True)
    return Answer(replies=(block_ending_reply(ending, early=True),), clear_buttons=True)


@handler
async def status(turn: Turn) -> Reply:
    """The running block, today's blocks and minutes, and the streak."""
    report = await turn.services.coach.status(turn.session, turn.who)
    controls = (
        keyboards.block_controls(report.profile.language, report.running.id)
        if report.running
        else None
    )
    return Reply(render.status(report), keyboard=controls)


def _cancel_text(outcome: BlockCancelled | NoRunningBlock) -> str:
    if isinstance(outcome, NoRunningBlock):
        return t(outcome.profile.language, "block.none_running")
    return t(
        outcome.profile.language,
        "block.cancelled",
        topic=render.topic_of(outcome.profile, outcome.block),
    )
