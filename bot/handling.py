"""What every handler shares: one database session per update, redelivery detection, identity."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from telegram import Message, MessageEntity, Update

from bot.context import CoachContext
from coach.blocks.views import Identity
from db.models import User

log = logging.getLogger(__name__)


class ReplyNotDelivered(Exception):
    """The handler's changes were committed, but sending the reply failed afterwards."""


@event.listens_for(Session, "after_commit")
def _remember_commit(session: Session) -> None:
    session.info["committed"] = True


# What the learner's schedule follows (see bot.handlers.schedule.keep_up).
WATCHED = ("timezone", "active")


@event.listens_for(Session, "before_flush")
def _notice_learner_changes(session: Session, _flush: Any, _instances: Any) -> None:
    """Note a learner created, or their timezone or activity changed, in this session."""
    for learner in (*session.new, *session.dirty):
        if isinstance(learner, User) and (
            learner in session.new
            or any(inspect(learner).attrs[name].history.has_changes() for name in WATCHED)
        ):
            session.info["learner_changed"] = True


SessionHandler = Callable[[Update, CoachContext, AsyncSession], Coroutine[Any, Any, None]]
Handler = Callable[[Update, CoachContext], Coroutine[Any, Any, None]]


def with_session(handler: SessionHandler) -> Handler:
    """Run `handler` in its own session; skip updates that were already acted on.

    The update id is recorded in the same transaction as the handler's changes, so an
    update Telegram delivers again after a crash is either fully done or not done at all.
    """

    @functools.wraps(handler)
    async def wrapper(update: Update, context: CoachContext) -> None:
        async with context.services.database.session() as session:
            if not await context.coach.claim_update(session, update.update_id):
                log.info("update %s was delivered again; already handled", update.update_id)
                return
            try:
                await handler(update, context, session)
            except Exception as error:
                # Commit, then reply: what fails after the commit lost nothing but the reply,
                # and the learner must not be told their action failed. A database error
                # after a commit is different: a later write was lost, so it is an error.
                if session.info.get("committed") and not isinstance(error, SQLAlchemyError):
                    _carry_learner_change(session, context)
                    raise ReplyNotDelivered(str(error)) from error
                raise
            await session.commit()
            _carry_learner_change(session, context)

    return wrapper


def _carry_learner_change(session: AsyncSession, context: CoachContext) -> None:
    if session.info.get("learner_changed") and session.info.get("committed"):
        context.learner_changed = True


def identity(update: Update) -> Identity:
    """Who sent the update, as the coach knows them."""
    user = update.effective_user
    if user is None:
        raise ValueError("update without a user")
    chat = update.effective_chat
    return Identity(
        user_id=user.id, chat_id=chat.id if chat else user.id, first_name=user.first_name
    )


def command_payload(message: Message) -> str:
    """The text after the leading command, with its line breaks kept."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[_utf16_to_index(text, entity.length) :].strip()
    return text.strip()


def _utf16_to_index(text: str, utf16_units: int) -> int:
    """The Python index after `utf16_units` UTF-16 code units (Telegram counts in those)."""
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_units:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class RunningSlot:
    """One of the few places for handlers running at once, held by the update in this task.

    The long-polling pump runs only a handful of handlers at once (more only lengthen the
    queues of the database and HTTP pools); an update waiting on slow outside work gives its
    place up (see `pause_for_slow_io`), so model calls hold back no one.
    """

    def __init__(self, places: asyncio.Semaphore) -> None:
        self._places = places
        self._held = False

    async def take(self) -> None:
        """Wait for a place."""
        if not self._held:
            await self._places.acquire()
            self._held = True

    def give_back(self) -> None:
        """Free the place, if held."""
        if self._held:
            self._held = False
            self._places.release()


# The slot of the update handled in this task; None outside the polling pump (webhook mode).
running_slot: ContextVar[RunningSlot | None] = ContextVar("running_slot", default=None)


async def pause_for_slow_io(session: AsyncSession) -> None:
    """Roll back the update's transaction before slow outside work (an LLM call, a download).

    No lock is held while waiting, and the update's claim is undone too: if the process dies
    meanwhile, Telegram delivers the update again. Its running place goes to another update.
    Call `reclaim_update` before writing.
    """
    await session.rollback()
    slot = running_slot.get()
    if slot is not None:
        slot.give_back()


async def reclaim_update(update: Update, context: CoachContext, session: AsyncSession) -> bool:
    """Claim the update again after `pause_for_slow_io`; False if it was handled meanwhile.

    It does not queue for a running place again: the answer is ready, and waiting behind
    every update that arrived meanwhile would only delay it; what is left is a short write
    and the reply.
    """
    return await context.coach.claim_update(session, update.update_id)
