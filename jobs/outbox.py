"""The reply outbox: every reply reaches the learner, even across a crash or an outage.

A handler's replies are written to `outbox_replies` in the same transaction as its changes
(`ReplySender.store`), sent right after the commit by the process that handled the update,
and deleted once Telegram accepted them. What a crash or an outage leaves behind, the drain
sends later, on whichever replica is alive: oldest first, in order per chat (a chat whose
earlier reply is held by another sender waits), within the Application's send-rate limit,
with exponential back-off between attempts.

Duplicate policy: at least once. A reply Telegram accepted is deleted a moment later (in
batches); if the process dies in between, or Telegram accepted a call whose answer timed
out, the reply is sent again. A duplicated confirmation is a small annoyance; a lost one
leaves the learner unsure whether their action counted. Scheduled messages (nudge, recap,
weekly summary, block ends) keep their own exactly-once claims and do not pass through here.

Replies older than `MAX_AGE` are dropped and logged: a day-old "block started" helps no one.
Photos and documents go through the outbox too (their bytes are stored beside the reply).
Button toasts and in-place edits of the pressed message are not stored: Telegram accepts a
callback answer for a few seconds only, and an edit redraws what the learner already has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from coach.replies import Receipt, Reply, reply_from_json, reply_to_json
from db.database import Database
from db.models import OutboxReply
from db.repositories import DRAIN_OWNER_SUFFIX, ReplyOutbox
from jobs.telegram_out import send_reply

log = logging.getLogger(__name__)

# How long the process that handled an update owns its fresh replies before the drain may
# take them over (it presumably died): COACH_REPLY_LEASE_SECONDS. Sends retry 429s and 5xx a
# few times within this.
DEFAULT_LEASE = timedelta(seconds=60)
# Back-off between attempts of a reply that could not be sent: 2 s, 4 s, … up to 5 minutes.
FIRST_RETRY = timedelta(seconds=2)
LAST_RETRY = timedelta(minutes=5)
# Replies older than this are dropped, not sent.
MAX_AGE = timedelta(hours=24)
# Replies claimed by one drain round.
DRAIN_BATCH = 50
# Sent replies leave the table together, a moment after the first of them was sent.
CLEAR_DELAY_SECONDS = 0.05
CLEAR_RETRY_SECONDS = 1.0


# Records, in its own transaction, what a sent reply's receipt asks for (a quiz poll's prompt).
RecordReceipt = Callable[[Receipt, int, str | None, int], Awaitable[None]]


class ReplySender:
    """Stores, sends and re-sends replies for one process."""

    def __init__(
        self,
        database: Database,
        owner: str,
        record_receipt: RecordReceipt,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.database = database
        self.lease = lease
        self.owner = owner
        self.record_receipt = record_receipt
        self._sent: list[int] = []
        self._clearing: asyncio.Task[None] | None = None
        self._draining = asyncio.Lock()

    # -- in the handler's transaction ------------------------------------------------------

    async def store(
        self, session: AsyncSession, chat_id: int, replies: Sequence[Reply]
    ) -> list[int] | None:
        """Write the replies with the handler's changes; their ids if this process sends them
        right after the commit, None if they wait for the drain (the chat has older replies
        waiting: sending these first would put them out of order)."""
        if not replies:
            return []
        now = datetime.now(UTC)
        rows = [(reply.chat_id or chat_id, *reply_to_json(reply)) for reply in replies]
        # One statement per reply checks for waiting replies and stores it (issue 14).
        return await ReplyOutbox(session).store(chat_id, rows, now, self.owner, now + self.lease)

    # -- after the commit ------------------------------------------------------------------

    async def send_stored(
        self, bot: Bot, chat_id: int, replies: Sequence[Reply], reply_ids: Sequence[int]
    ) -> None:
        """Send the replies just committed, in order; leave what fails to the drain.

        A reply Telegram refuses for good (400, or the learner blocked the bot) is dropped and
        logged; `UndeliverableReply` says so after the others were tried.
        """
        refused: BadRequest | None = None
        for position, (reply, reply_id) in enumerate(zip(replies, reply_ids, strict=True)):
            try:
                sent = await send_reply(bot, chat_id, reply)
            except Forbidden:
                log.info("chat %s blocked the bot; its replies are dropped", chat_id)
                await self._forget(reply_ids[position:])
                return
            except BadRequest as error:
                log.error("Telegram refused reply %s for chat %s: %s", reply_id, chat_id, error)
                self._mark_sent([reply_id])
                refused = error
                continue
            except TelegramError as error:
                log.warning(
                    "reply %s for chat %s not sent (%s); the outbox retries it",
                    reply_id,
                    chat_id,
                    error,
                )
                await self._retry_later(reply_ids[position:], attempts=0)
                return
            self._mark_sent([reply_id])
            await self._record(reply, sent)
        if refused is not None:
            raise UndeliverableReply(str(refused)) from refused

    # -- the drain -------------------------------------------------------------------------

    async def take_over(self) -> None:
        """Claim what earlier processes were sending: only for a bot that is known to run
        alone (long polling: Telegram serves getUpdates to one process at a time)."""
        async with self.database.session() as session:
            taken = await ReplyOutbox(session).take_over(self.owner)
            await session.commit()
        if taken:
            log.info(
                "%d repl%s an earlier process was sending will be sent again",
                taken,
                "y" if taken == 1 else "ies",
            )

    async def drain(self, bot: Bot) -> int:
        """Send what earlier attempts, a crash or another process left; how many were sent."""
        if self._draining.locked():
            return 0
        sent = 0
        async with self._draining:
            await self._expire()
            while True:
                now = datetime.now(UTC)
                async with self.database.session() as session:
                    claimed = await ReplyOutbox(session).claim(
                        self.owner + DRAIN_OWNER_SUFFIX, now, now + self.lease, DRAIN_BATCH
                    )
                    await session.commit()
                if not claimed:
                    return sent
                sent += await self._send_claimed(bot, claimed)
                if len(claimed) < DRAIN_BATCH:
                    return sent

    async def _send_claimed(self, bot: Bot, claimed: Sequence[OutboxReply]) -> int:
        sent = 0
        stalled: set[int] = set()
        for position, row in enumerate(claimed):
            if row.chat_id in stalled:
                continue
            reply = reply_from_json(row.payload, row.attachment, row.chat_id)
            try:
                message = await send_reply(bot, row.chat_id, reply)
            except Forbidden:
                log.info("chat %s blocked the bot; reply %s is dropped", row.chat_id, row.id)
                self._mark_sent([row.id])
                continue
            except BadRequest as error:
                log.error("Telegram refused reply %s for chat %s: %s", row.id, row.chat_id, error)
                self._mark_sent([row.id])
                continue
            except TelegramError as error:
                # Keep the chat's order: its later replies in this round wait too.
                later = [r.id for r in claimed[position:] if r.chat_id == row.chat_id]
                log.warning(
                    "reply %s for chat %s not sent (%s); retrying later", row.id, row.chat_id, error
                )
                await self._retry_later(later, attempts=row.attempts)
                stalled.add(row.chat_id)
                continue
            self._mark_sent([row.id])
            await self._record(reply, message)
            sent += 1
        await self.clear()
        return sent

    async def _expire(self) -> None:
        async with self.database.session() as session:
            dropped = await ReplyOutbox(session).expire(datetime.now(UTC) - MAX_AGE)
            await session.commit()
        for reply_id, chat_id in dropped:
            log.warning(
                "reply %s for chat %s was older than %s; dropped", reply_id, chat_id, MAX_AGE
            )

    # -- bookkeeping -----------------------------------------------------------------------

    async def _record(self, reply: Reply, message: Message) -> None:
        if reply.receipt is None:
            return
        poll_id = message.poll.id if message.poll else None
        try:
            await self.record_receipt(reply.receipt, message.chat_id, poll_id, message.message_id)
        except Exception:
            log.exception("could not record the receipt of message %s", message.message_id)

    async def _retry_later(self, reply_ids: Sequence[int], attempts: int) -> None:
        delay = min(FIRST_RETRY * (2**attempts), LAST_RETRY)
        async with self.database.session() as session:
            await ReplyOutbox(session).retry_later(reply_ids, datetime.now(UTC) + delay)
            await session.commit()

    async def _forget(self, reply_ids: Sequence[int]) -> None:
        self._mark_sent(reply_ids)
        await self.clear()

    def _mark_sent(self, reply_ids: Sequence[int]) -> None:
        self._sent.extend(reply_ids)
        if self._clearing is None or self._clearing.done():
            self._clearing = asyncio.create_task(self._clear_soon())

    async def _clear_soon(self) -> None:
        while self._sent:
            await asyncio.sleep(CLEAR_DELAY_SECONDS)
            if not await self.clear():
                await asyncio.sleep(CLEAR_RETRY_SECONDS)  # the database is having trouble

    async def clear(self) -> bool:
        """Delete the replies sent so far; False if the database refused (they are kept for
        the next try; if the process dies first they are sent again: at least once)."""
        sent, self._sent = self._sent, []
        if not sent:
            return True
        try:
            async with self.database.session() as session:
                await ReplyOutbox(session).remove(sent)
                await session.commit()
        except Exception:
            # Kept for the next try: left in the table they would be sent again.
            self._sent[:0] = sent
            log.warning("could not clear %d sent replies", len(sent), exc_info=True)
            return False
        return True

    async def close(self) -> None:
        """Finish the pending deletion (at shutdown)."""
        if self._clearing is not None:
            await asyncio.gather(self._clearing, return_exceptions=True)
        await self.clear()


class UndeliverableReply(Exception):
    """Telegram refused a reply for good (it was dropped and logged)."""
