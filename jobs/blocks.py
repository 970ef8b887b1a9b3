"""Ending focus blocks on time, and after a restart, exactly once."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from weakref import WeakKeyDictionary

from telegram.error import Forbidden, TelegramError

from coach.blocks.views import BlockView
from jobs.context import CoachContext
from jobs.notify import send_block_ending

log = logging.getLogger(__name__)

# Redeliveries happen within seconds; a day of ledger is plenty.
LEDGER_RETENTION = timedelta(days=1)

# How long a process may take to send the block-end messages it claimed before another
# process may take them over (its holder presumably died). Sends retry 429s and transient
# failures a few times, which stays well within this.
NOTIFY_LEASE = timedelta(minutes=2)

# Both the exact-time job and the sweep end blocks; one at a time per process. Across
# processes (replicas), completing is a conditional UPDATE and telling the learner is
# claimed in the database, so neither happens twice.
# (A lock per application: an asyncio lock belongs to one event loop, and tests run many.)
_ending_locks: WeakKeyDictionary[object, asyncio.Lock] = WeakKeyDictionary()


def _ending_lock(context: CoachContext) -> asyncio.Lock:
    return _ending_locks.setdefault(context.application, asyncio.Lock())


def schedule_block_end(context: CoachContext, block: BlockView) -> None:
    """Wake up exactly when the block's planned end comes."""
    delay = context.services.clock.real_seconds_until(block.planned_end_at)
    context.jobs.run_once(end_due_blocks, when=delay, name=f"block-end:{block.id}")


async def end_due_blocks(context: CoachContext) -> None:
    """Complete every block whose end has passed, then tell each learner who is owed a message."""
    services = context.services
    owner = services.replica_id
    async with _ending_lock(context):
        async with services.database.session() as session:
            completed = await services.coach.complete_due_blocks(session)
            await session.commit()
            if completed:
                log.info("completed %d focus block(s)", completed)
            endings = await services.coach.claim_owed_endings(
                session, owner, datetime.now(UTC), NOTIFY_LEASE
            )
            await session.commit()
        for ending in endings:
            try:
                await send_block_ending(context, ending)
            except Forbidden:
                log.info("user %s blocked the bot", ending.profile.user_id)
            except TelegramError:
                log.warning(
                    "could not announce block %s; will retry", ending.block.id, exc_info=True
                )
                async with services.database.session() as session:
                    await services.coach.release_ending(session, ending.block.id, owner)
                    await session.commit()
                continue
            async with services.database.session() as session:
                await services.coach.mark_notified(session, ending.block.id)
                await session.commit()


async def sweep(context: CoachContext) -> None:
    """The safety net: catch block ends a timer missed and prune the update ledger."""
    await end_due_blocks(context)
    services = context.services
    async with services.database.session() as session:
        await services.updates.forget_before(session, services.clock.now() - LEDGER_RETENTION)
        await session.commit()


async def recover(context: CoachContext) -> None:
    """At start-up: end what ended while the bot was down, and set timers for the rest."""
    await end_due_blocks(context)
    async with context.services.database.session() as session:
        running = await context.coach.running_blocks(session)
    for block in running:
        schedule_block_end(context, block)
    if running:
        log.info("rescheduled %d running focus block(s)", len(running))
