"""What every handler shares: one database session per update, redelivery detection, identity."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram.error import BadRequest, TelegramError

from coach.learners.profile import Identity, Profile
from coach.messages import t
from coach.replies import Answer, Refusal, Reply
from db.models import User
from jobs.context import CoachContext
from jobs.services import Services
from jobs.telegram_out import markup, send_reply

log = logging.getLogger(__name__)


class ReplyNotDelivered(Exception):
    """The handler's changes were committed, but sending the reply failed afterwards."""


@event.listens_for(Session, "after_commit")
def _remember_commit(session: Session) -> None:
    session.info["committed"] = True


# What the learner's schedule follows (see jobs.schedule.keep_up_after_update).
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


class Turn:
    """One update as a handler sees it: who sent it, what it says, and its unit of work.

    The session is the update's transaction; the wrapper commits it. `profile()` looks the
    learner up (creating them on first contact) once per update.
    """

    def __init__(self, update: Update, context: CoachContext, session: AsyncSession) -> None:
        self.update = update
        self.context = context
        self.session = session
        self._profile: Profile | None = None
        self.after_commit_actions: list[Callable[[], None]] = []

    @property
    def services(self) -> Services:
        """The services built at start-up."""
        return self.context.services

    @property
    def who(self) -> Identity:
        """The learner who sent the update."""
        return identity(self.update)

    @property
    def message(self) -> Message:
        """The message of a message update."""
        message = self.update.effective_message
        if message is None:
            raise ValueError("update without a message")
        return message

    @property
    def query(self) -> CallbackQuery:
        """The button press of a callback-query update."""
        query = self.update.callback_query
        if query is None or query.data is None:
            raise ValueError("update without callback data")
        return query

    @property
    def data(self) -> str:
        """The pressed button's callback data."""
        data = self.query.data
        assert data is not None  # checked by `query`
        return data

    @property
    def args(self) -> list[str]:
        """The command's arguments, split on whitespace."""
        return list(self.context.args or [])

    @property
    def payload(self) -> str:
        """The text after the command, line breaks kept."""
        return command_payload(self.message)

    async def profile(self) -> Profile:
        """The learner's profile (language, timezone, chat)."""
        if self._profile is None:
            self._profile = await self.services.learners.profile(self.session, self.who)
        return self._profile

    async def language(self) -> str:
        """The learner's language."""
        return (await self.profile()).language

    async def say(self, key: str, **values: object) -> Answer:
        """One catalog message in the learner's language."""
        return Answer.of(t(await self.language(), key, **values))

    async def pause_for_slow_io(self) -> None:
        """Step out of the transaction before slow outside work (see `pause_for_slow_io`)."""
        self.after_commit_actions.clear()  # what they were for was rolled back
        await pause_for_slow_io(self.session)

    async def resume(self) -> bool:
        """Claim the update again after the slow work; False if it was handled meanwhile.

        The learner is looked up again (and enrolled, if this update was their first: the
        pause rolled that back)."""
        self._profile = None
        if not await reclaim_update(self.update, self.context, self.session):
            return False
        if self.update.effective_user is not None:
            await self.profile()
        return True

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the update's changes are committed (e.g. set a timer)."""
        self.after_commit_actions.append(action)


Decided = Answer | Reply | str | None
TurnHandler = Callable[[Turn], Coroutine[Any, Any, Decided]]
Handler = Callable[[Update, CoachContext], Coroutine[Any, Any, None]]


def handler(decide: TurnHandler) -> Handler:
    """Wrap a handler that only decides: claim the update, commit, then send what it returned.

    The update id is recorded in the same transaction as the handler's changes, so an update
    Telegram delivers again after a crash is either fully done or not done at all. A
    `Refusal` rolls the changes back and answers its message in the learner's language.
    The replies are stored in the same transaction (the outbox, `jobs.outbox`) and sent
    after the commit, so a crash or an outage delays them but loses none.
    """

    @functools.wraps(decide)
    async def wrapper(update: Update, context: CoachContext) -> None:
        async with context.services.database.session() as session:
            if not await context.services.updates.claim(
                session, update.update_id, _sender_id(update)
            ):
                log.info("update %s was delivered again; already handled", update.update_id)
                return
            turn = Turn(update, context, session)
            try:
                decided = await decide(turn)
            except Refusal as refusal:
                decided = await _refusal_answer(turn, refusal)
            if decided is None:
                return  # the handler found the update was handled meanwhile (reclaim)
            answer = as_answer(decided)
            chat_id = _chat_of(update) if answer.replies else 0
            # The replies are part of the unit of work: committed with the changes, or neither.
            reply_ids = await context.services.replies.store(session, chat_id, answer.replies)
            await session.commit()
            _carry_learner_change(session, context)
        for action in turn.after_commit_actions:
            action()
        await _answer_press(update, context, answer)
        if reply_ids is None:
            # Older replies of this chat wait in the outbox: these go after them, in order.
            context.application.create_task(context.services.replies.drain(context.bot))
            return
        try:
            await context.services.replies.send_stored(
                context.bot, chat_id, answer.replies, reply_ids
            )
        except Exception as error:
            # Committed: the changes are saved; a reply that failed transiently waits in the
            # outbox. Only a reply Telegram refused for good, or a fault here, gets the apology.
            raise ReplyNotDelivered(str(error)) from error

    return wrapper


async def _refusal_answer(turn: Turn, refusal: Refusal) -> Answer:
    """Undo the update's changes but keep its claim; say what to correct."""
    await turn.session.rollback()
    turn._profile = None
    turn.after_commit_actions.clear()  # what they were for was rolled back
    if not await turn.services.updates.claim(
        turn.session, turn.update.update_id, _sender_id(turn.update)
    ):
        return Answer()
    return await turn.say(refusal.key, **refusal.values)


def as_answer(decided: Answer | Reply | str) -> Answer:
    """A handler's decision as an Answer."""
    if isinstance(decided, Answer):
        return decided
    return Answer.of(decided)


def _chat_of(update: Update) -> int:
    """Where replies go: the update's chat (a poll answer has none: the learner's own chat)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        return chat.id
    if user is not None:
        return user.id
    raise ValueError("an update with neither a chat nor a user")


async def _answer_press(update: Update, context: CoachContext, answer: Answer) -> None:
    """Answer a button press: its toast, then the pressed message's edit.

    These are not stored: Telegram takes a press's answer for a few seconds only, and an edit
    redraws what the learner already has. A failure is logged; the replies still follow.
    """
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(answer.toast, show_alert=answer.alert)
    except TelegramError as error:
        # A press answered too late ("query is too old") still gets its edit below.
        log.warning("could not answer button press of update %s: %s", update.update_id, error)
    try:
        if answer.edit is not None:
            await _edit_or_resend(update, context, answer.edit)
        elif answer.clear_buttons:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as error:
        log.warning("could not update the pressed message of %s: %s", update.update_id, error)


async def _edit_or_resend(update: Update, context: CoachContext, edit: Reply) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(edit.text, reply_markup=markup(edit.keyboard))
    except BadRequest as error:
        # Pressing the value already shown changes nothing; a message too old or gone to be
        # edited is sent afresh instead.
        if "not modified" not in str(error).lower():
            log.info("could not edit the message in place: %s", error)
            await send_reply(context.bot, _chat_of(update), edit)


def _carry_learner_change(session: AsyncSession, context: CoachContext) -> None:
    if session.info.get("learner_changed") and session.info.get("committed"):
        context.learner_changed = True


def _sender_id(update: Update) -> int | None:
    """Who sent the update, if anyone: their row comes along with the claim."""
    user = update.effective_user
    return user.id if user is not None else None


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
    return await context.services.updates.claim(session, update.update_id, _sender_id(update))
