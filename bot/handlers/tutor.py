"""Plain messages that are not a recap: a free-text quiz answer, or a chat with the coach."""

from __future__ import annotations

import contextlib

from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.handling import Decided, Turn, handler
from coach.blocks import keyboards, render
from coach.blocks.parsing import MAX_BLOCK_MINUTES, MIN_BLOCK_MINUTES
from coach.blocks.service import BlockAlreadyRunning
from coach.messages import t
from coach.quiz import render as quiz_render
from coach.quiz.replies import item_reply
from coach.quiz.topics import TOPICS
from coach.replies import Answer, Keyboard, Reply
from coach.tutor.offers import topic_card
from coach.tutor.tutor import CoachReply
from jobs.blocks import schedule_block_end
from jobs.context import CoachApplication


def register(application: CoachApplication) -> None:
    """The buttons under the coach's offline replies."""
    application.add_handler(CallbackQueryHandler(offer_button, pattern=keyboards.TUTOR_PATTERN))


async def answer_text(turn: Turn, text: str) -> Decided:
    """Grade the awaited free-text answer, or reply as the coach.

    The LLM is asked with no transaction open (see `pause_for_slow_io`); the update is
    claimed again together with what is stored, so a crash mid-call loses nothing.
    """
    services, who = turn.services, turn.who
    pending = await services.quizzer.pending_explain(turn.session, who)
    if pending is not None:
        await turn.pause_for_slow_io()
        await _typing(turn)
        grade = await services.tutor.grade(pending, text)
        if not await turn.resume():
            return None
        reviewed = await services.quizzer.review_explain(turn.session, who, pending, text, grade)
        if reviewed is None:
            return t(pending.language, "quiz.closed")
        graded = Reply(quiz_render.graded(reviewed, services.clock.now()))
        if reviewed.next_item is None:
            return graded
        return Answer(replies=(graded, item_reply(reviewed.next_item)))
    grounding = await services.tutor.chat_context(turn.session, who)
    await turn.pause_for_slow_io()
    await _typing(turn)
    reply = await services.tutor.reply(grounding, text)
    if not await turn.resume():
        return None
    profile = await services.tutor.remember(turn.session, who, text, reply)
    return Reply(_with_source(profile.language, reply), keyboard=_offers(profile.language, reply))


def _offers(language: str, reply: CoachReply) -> Keyboard | None:
    topic = reply.offers.quiz_topic
    name = TOPICS[topic].name(language) if topic in TOPICS else ""
    return keyboards.tutor_offers(language, reply.offers.block_minutes, topic, name)


@handler
async def offer_button(turn: Turn) -> Answer:
    """*Start a 35-min block* or *Try a card* under an offline reply."""
    offer = keyboards.parse_tutor_offer(turn.data)
    assert offer, "the handler pattern only lets coach offers through"
    action, value = offer
    who = turn.who
    if action == "block":
        minutes = int(value) if value.isdigit() else 0
        language = await turn.language()
        if not MIN_BLOCK_MINUTES <= minutes <= MAX_BLOCK_MINUTES:
            return Answer(toast=t(language, "button.stale"))
        topic = t(language, "tutor.short_block_topic")
        outcome = await turn.services.coach.start_block(turn.session, who, minutes, topic)
        controls = keyboards.block_controls(outcome.profile.language, outcome.block.id)
        if isinstance(outcome, BlockAlreadyRunning):
            now = turn.services.clock.now()
            text = render.block_already_running(outcome.profile, outcome.block, now)
        else:
            started = outcome.block
            turn.after_commit(lambda: schedule_block_end(turn.context, started))
            text = render.block_started(outcome.profile, outcome.block)
        return Answer(replies=(Reply(text, keyboard=controls),), clear_buttons=True)
    item = await topic_card(turn.services.quizzer, turn.session, who, value)
    language = await turn.language()
    if item is None:
        name = TOPICS[value].name(language) if value in TOPICS else value
        return Answer(toast=t(language, "tutor.quiz_none", topic=name), alert=True)
    return Answer.of(item_reply(item))


def _with_source(language: str, reply: CoachReply) -> str:
    if reply.fallback is None:
        return reply.text
    return f"{reply.text}\n\n{t(language, f'tutor.chat_fallback_{reply.fallback}')}"


async def _typing(turn: Turn) -> None:
    if turn.services.tutor.llm is None:
        return  # the offline answer is immediate
    with contextlib.suppress(TelegramError):
        await turn.context.bot.send_chat_action(turn.who.chat_id, ChatAction.TYPING)
