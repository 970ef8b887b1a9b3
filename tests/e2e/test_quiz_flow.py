"""Native quiz polls, their answers and spaced repetition, as a learner meets them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coach.quiz.bank import load_bank
from db.database import Database
from db.models import QuizCard, QuizPrompt
from emulator import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.running_bot import RunningBot, make_settings, start_bot

BANK = load_bank()
BY_QUESTION = {q.text(language).question: q for q in BANK.questions for language in ("zh", "en")}


def _poll(message: SentMessage) -> dict[str, object]:
    assert message.poll is not None, f"expected a quiz poll, got {message.summary()}"
    return message.poll


def _answer(user: EmulatedUser, message: SentMessage, right: bool) -> None:
    poll = _poll(message)
    correct = poll["correct_option_ids"]
    assert isinstance(correct, list)
    choice = correct[0] if right else (correct[0] + 1) % len(poll["options"])  # type: ignore[arg-type]
    user.answer_poll(str(poll["id"]), [choice])


async def _records(database_url: str) -> tuple[list[QuizPrompt], list[QuizCard]]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            prompts = (await session.scalars(select(QuizPrompt).order_by(QuizPrompt.id))).all()
            cards = (await session.scalars(select(QuizCard))).all()
    finally:
        await database.dispose()
    return list(prompts), list(cards)


async def test_a_round_of_native_quizzes_schedules_every_card(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    lin.send_text("/quiz")
    message = await lin.next_message()
    poll = _poll(message)
    assert poll["type"] == "quiz" and poll["is_anonymous"] is False
    assert poll["allows_multiple_answers"] is False and len(poll["correct_option_ids"]) == 1  # type: ignore[arg-type]
    sent = emulator.calls_to("sendPoll")[-1]
    assert sent["type"] == "quiz" and sent["is_anonymous"] is False
    question = BY_QUESTION[str(poll["question"])]
    assert sent["explanation"] == question.text("zh").explanation
    # Week 1 of the default plan: its topics come first.
    assert question.topic in {"cnn", "resnet", "rnn", "attention"}
    shown = [option["text"] for option in poll["options"]]  # type: ignore[attr-defined]
    right = shown[poll["correct_option_ids"][0]]  # type: ignore[index]
    assert right == question.text("zh").options[question.answer]

    asked = [question.id]
    for number in range(5):
        _answer(lin, message, right=number != 1)
        message = await lin.next_message()
        if number < 4:
            asked.append(BY_QUESTION[str(_poll(message)["question"])].id)
    assert "本轮完成：4/5 答对" in (message.text or "")
    assert "到期" in (message.text or "")
    assert len(set(asked)) == 5

    prompts, cards = await _records(database_url)
    assert [p.question_id for p in prompts] == asked
    assert all(p.answered_at is not None and p.latency_ms is not None for p in prompts)
    assert [p.correct for p in prompts] == [True, False, True, True, True]
    assert prompts[1].rating == 1  # Again
    assert {c.question_id for c in cards} == set(asked)
    now = bot.services.clock.now()
    assert all(c.reviews == 1 and c.due > now - timedelta(minutes=1) for c in cards)

    stats = await _reply(lin, "/quiz stats")
    assert "共答 5 题，答对 4 题（80%）" in stats
    assert "到期复习" in stats
    assert "还没答过" in stats  # the other weeks' topics

    # A new round while a question is unanswered asks something else; the old question,
    # answered late, is recorded but does not continue a round that was replaced.
    lin.send_text("/quiz")
    old = await lin.next_message()
    lin.send_text("/quiz")
    new = await lin.next_message()
    assert _poll(old)["question"] != _poll(new)["question"]
    _answer(lin, old, right=True)
    await lin.no_message(within=1.5)
    prompts, _ = await _records(database_url)
    assert prompts[-2].answered_at is not None and prompts[-1].answered_at is None

    # /export carries the quiz history and the cards along with everything else.
    lin.send_text("/export")
    exported = await lin.next_message()
    assert exported.document is not None
    document = json.loads(exported.document)
    assert [a["question_id"] for a in document["quiz_answers"]][:5] == asked
    assert len(document["quiz_answers"]) == 6 and len(document["quiz_cards"]) == 6
    assert document["study_plan"]["document"] is None  # still the default plan


async def _reply(user: EmulatedUser, text: str) -> str:
    user.send_text(text)
    return (await user.next_message()).text or ""


async def test_the_current_plan_week_comes_first_and_english_learners_get_english(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    ana = emulator.user(2002, first_name="Ana")
    await _reply(ana, "/lang en")
    start = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=15)).date()
    await _reply(ana, f"/plan start {start.isoformat()}")
    ana.send_text("/quiz")
    poll = _poll(await ana.next_message())
    question = BY_QUESTION[str(poll["question"])]
    assert question.topic == "clip"
    assert poll["question"] == question.text("en").question
    assert "Usage:" in await _reply(ana, "/quiz frobnicate")


async def test_an_answer_from_a_learner_no_longer_allowed_is_refused_and_not_recorded(
    database_url: str, emulator: BotApiEmulator
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    first = await start_bot(
        make_settings(database_url, emulator.base_url, COACH_ALLOWED_USERS="1001")
    )
    try:
        lin.send_text("/quiz")
        message = await lin.next_message()
    finally:
        await first.shutdown()
    second = await start_bot(
        make_settings(database_url, emulator.base_url, COACH_ALLOWED_USERS="2002")
    )
    try:
        _answer(lin, message, right=True)
        refusal = await lin.next_message()
        assert refusal.text == "抱歉，这个学习教练只对受邀的学习者开放。"
        await lin.no_message(within=1)
    finally:
        await second.shutdown()
    prompts, cards = await _records(database_url)
    assert len(prompts) == 1 and prompts[0].answered_at is None and cards == []
