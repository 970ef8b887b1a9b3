"""The job that empties the reply outbox (see `jobs.outbox`)."""

from __future__ import annotations

import logging

from jobs.context import CoachContext

log = logging.getLogger(__name__)

# How often each process looks for replies left behind; a failed reply waits its back-off.
DRAIN_EVERY_SECONDS = 2.0


async def drain_replies(context: CoachContext) -> None:
    """The job: send replies that a crash, an outage or another process left behind."""
    try:
        sent = await context.services.replies.drain(context.bot)
    except Exception:
        log.exception("the reply outbox could not be drained; the next run tries again")
        return
    if sent:
        log.info("sent %d waiting repl%s from the outbox", sent, "y" if sent == 1 else "ies")
