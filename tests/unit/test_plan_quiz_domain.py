"""The plan and quiz use cases against a real, migrated database, with no Telegram at all."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fsrs import Rating
from sqlalchemy import select

from coach.blocks.service import Coach, CoachConfig
from coach.learners.profile import Identity
from coach.learners.registry import LearnerDefaults, Learners
from coach.plan import render
from coach.plan.parser import PlanParseError
from coach.plan.planner import ItemChecked, NoSuchItem, NoSuchWeek, Planner, StalePlan
from coach.plan.progress import todays_item, week_progress
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import (
    Grade,
    NothingToQuiz,
    PollAnswered,
    PollIgnored,
    QuizItem,
    Quizzer,
    due_review_count,
)
from coach.quiz.replies import item_reply
from db.database import Database
from db.models import QuizCard, QuizPrompt
from tests.support.clock import ManualClock

LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")
ANA = Identity(user_id=2002, chat_id=2002, first_name="Ana")
BANK = load_bank()

OWN_PLAN = """# Own plan

## Week 1: CLIP first

- [x] Read the CLIP paper
- [ ] Run zero-shot

## Week 2: ViT

- [ ] Patch embedding
"""


@dataclass
class Study:
    database: Database
    clock: ManualClock
    planner: Planner
    quizzer: Quizzer


@pytest.fixture
async def study(database_url: str, clock: ManualClock) -> AsyncIterator[Study]:
    database = Database(database_url)
    coach = Coach(
        CoachConfig(reward_min_minutes=35),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )
    planner = Planner(coach.learners, clock)
    quizzer = Quizzer(BANK, coach.learners, planner, clock, rng=random.Random(7))
    yield Study(database, clock, planner, quizzer)
    await database.dispose()


async def _round(study: Study, who: Identity = LIN, kind: str | None = None) -> QuizItem:
    async with study.database.session() as session:
        item = await study.quizzer.start_round(session, who, kind)  # type: ignore[arg-type]
        await session.commit()
    assert isinstance(item, QuizItem)
    return item


async def _send(study: Study, item: QuizItem, poll_id: str | None) -> None:
    async with study.database.session() as session:
        # What the bot records once Telegram accepted the question (its reply's receipt).
        receipt = item_reply(item).receipt
        assert receipt is not None
        await study.quizzer.record_receipt(
            session, receipt.payload, item.profile.chat_id, poll_id, 7
        )
        await session.commit()


async def _answer(
    study: Study, poll_id: str, right: bool, item: QuizItem, user_id: int = LIN.user_id
) -> PollAnswered | PollIgnored:
    chosen = item.correct_option_ids[0] if right else (item.correct_option_ids[0] + 1) % 4
    async with study.database.session() as session:
        outcome = await study.quizzer.answer_poll(session, user_id, poll_id, [chosen])
        await session.commit()
    return outcome


# -- the plan --------------------------------------------------------------------------------


async def test_week_one_starts_on_first_contact_and_follows_the_calendar(study: Study) -> None:
    async with study.database.session() as session:
        state = await study.planner.state(session, LIN)
        await session.commit()
    # 2026-03-02 01:00 UTC is 09:00 in Shanghai.
    assert state.start_date == date(2026, 3, 2) and state.current_week == 1
    assert not state.imported and len(state.plan.weeks) == 6
    study.clock.advance(days=8)
    async with study.database.session() as session:
        view = await study.planner.week(session, LIN)
    assert not isinstance(view, NoSuchWeek)
    assert (view.number, view.day, view.start, view.end) == (
        2,
        2,
        date(2026, 3, 9),
        date(2026, 3, 15),
    )
    async with study.database.session() as session:
        assert isinstance(await study.planner.week(session, LIN, 7), NoSuchWeek)


async def test_a_start_date_in_the_future_or_long_past_keeps_the_shown_week_in_the_plan(
    study: Study,
) -> None:
    async with study.database.session() as session:
        future = await study.planner.set_start(session, LIN, date(2026, 3, 12))
        await session.commit()
    assert (future.current_week, future.shown_week) == (0, 1)
    async with study.database.session() as session:
        past = await study.planner.set_start(session, LIN, date(2025, 1, 6))
        await session.commit()
    assert past.current_week > 6 and past.shown_week == 6
    async with study.database.session() as session:
        week3 = await study.planner.set_start(session, LIN, date(2026, 2, 16))
        await session.commit()
    assert (week3.current_week, week3.shown_week) == (3, 3)


async def test_check_and_buttons_tick_and_untick_this_week_s_items(study: Study) -> None:
    async with study.database.session() as session:
        checked = await study.planner.check(session, LIN, "2")
        again = await study.planner.check(session, LIN, "2")
        missing = await study.planner.check(session, LIN, "9")
        nonsense = await study.planner.check(session, LIN, "abc")
        await session.commit()
    assert isinstance(checked, ItemChecked) and checked.changed and checked.view.done == 1
    assert isinstance(again, ItemChecked) and not again.changed and again.view.done == 1
    assert isinstance(missing, NoSuchItem) and missing.position == "9"
    assert isinstance(nonsense, NoSuchItem)
    item = checked.item
    async with study.database.session() as session:
        untick = await study.planner.toggle(session, LIN, 0, item.index)
        stale = await study.planner.toggle(session, LIN, 5, item.index)
        await session.commit()
    assert isinstance(untick, ItemChecked) and not untick.ticked and untick.view.done == 0
    assert isinstance(stale, StalePlan)


async def test_an_imported_plan_replaces_the_default_keeps_its_ticks_and_exports_back(
    study: Study,
) -> None:
    async with study.database.session() as session:
        await study.planner.check(session, LIN, "1")  # on the default plan
        imported = await study.planner.import_document(session, LIN, "own.md", OWN_PLAN.encode())
        await session.commit()
    state = imported.state
    assert state.imported and state.revision == 1 and state.file_name == "own.md"
    assert imported.ticked_in_document == 1
    assert [week.title for week in state.plan.weeks] == ["CLIP first", "ViT"]
    assert state.ticked == {0}  # the document's own [x]; the default plan's tick is gone
    async with study.database.session() as session:
        await study.planner.check(session, LIN, "2")
        exported = await study.planner.export(session, LIN)
        await session.commit()
    assert exported.file_name == "own.md" and (exported.done, exported.total) == (2, 3)
    assert exported.content.decode() == OWN_PLAN.replace("- [ ] Run", "- [x] Run")
    async with study.database.session() as session:
        with pytest.raises(PlanParseError):
            await study.planner.import_document(session, LIN, "bad.md", b"no weeks here")
        await session.rollback()
        state = await study.planner.state(session, LIN)
    assert state.revision == 1 and [w.title for w in state.plan.weeks] == ["CLIP first", "ViT"]


PLAIN_PLAN = """# Plain plan
## Week 1: Basics
- Read chapter 1
- Do the exercises
  - odd ones first
- Write a summary
## Week 2: More
- Read chapter 2
"""


async def test_reimporting_keeps_the_ticks_of_unchanged_items_and_says_how_many(
    study: Study,
) -> None:
    async with study.database.session() as session:
        first = await study.planner.import_document(session, LIN, "p.md", PLAIN_PLAN.encode())
        await study.planner.check(session, LIN, "1")
        await study.planner.check(session, LIN, "2")
        exported = await study.planner.export(session, LIN)
        await session.commit()
    assert (first.kept, first.reset) == (0, 0)
    # Plain bullets are items; a tick boxes exactly that line.
    assert exported.content.decode() == PLAIN_PLAN.replace(
        "- Read chapter 1", "- [x] Read chapter 1"
    ).replace("- Do the exercises", "- [x] Do the exercises")
    edited = PLAIN_PLAN.replace("Do the exercises", "Do all the exercises").replace(
        "## Week 2: More\n", "## Week 2: More\n- Warm up\n"
    )
    async with study.database.session() as session:
        again = await study.planner.import_document(session, LIN, "p.md", edited.encode())
        await session.commit()
    assert (again.kept, again.reset, again.ticked_in_document) == (1, 1, 0)
    ticked = [i.text for i in again.state.plan.items if i.index in again.state.ticked]
    assert ticked == ["Read chapter 1"]
    reply = render.imported(again)
    assert "之前勾选的 1 项内容没变，勾选已保留；1 项找不到原样的条目" in reply
    assert "5 个清单项（其中 1 项已勾选）" in reply


async def test_a_refused_document_leaves_the_current_plan(study: Study) -> None:
    huge = "".join(f"## Week {n}\n- task {n}\n" for n in range(1, 201)).encode()
    async with study.database.session() as session:
        await study.planner.import_document(session, LIN, "p.md", PLAIN_PLAN.encode())
        await session.commit()
    for data, key in ((huge, "plan.too_many_weeks"), (b"\x89PNG\r\n", "plan.binary_kind")):
        async with study.database.session() as session:
            with pytest.raises(PlanParseError) as raised:
                await study.planner.import_document(session, LIN, "bad.md", data)
            await session.rollback()
            state = await study.planner.state(session, LIN)
        assert raised.value.key == key
        assert state.revision == 1 and [w.title for w in state.plan.weeks] == ["Basics", "More"]


async def test_today_suggests_the_item_dated_today_with_its_details_nested(
    study: Study,
) -> None:
    dated = """# 冲刺
### 第一周
- **2026-03-02 (周一)**: 复习线代
- **2026-03-04 (周三)**: 概率论
  - 条件概率
    - 练习 3 道
  - 贝叶斯公式
"""
    async with study.database.session() as session:
        await study.planner.import_document(session, LIN, "d.md", dated.encode())
        await session.commit()
    study.clock.advance(days=2)  # 2026-03-04 in Shanghai
    async with study.database.session() as session:
        suggestion = await study.planner.today(session, LIN)
        info = await todays_item(session, LIN.user_id, study.clock.now())
    assert suggestion.item is not None and suggestion.item.text == "2026-03-04 (周三): 概率论"
    assert info is not None and info.item_date == date(2026, 3, 4)
    assert info.item_outline == ((0, "条件概率"), (1, "练习 3 道"), (0, "贝叶斯公式"))
    text = render.today(suggestion, 0)
    assert "👉 今天（2026-03-04）的安排，第 2 项：2026-03-04 (周三): 概率论" in text
    assert "\n  · 条件概率\n    · 练习 3 道\n  · 贝叶斯公式\n" in text


async def test_week_0_is_the_preparation_week_before_the_start(study: Study) -> None:
    plan = "# P\n## Week 0: Setup\n- Install tools\n## Week 1: Start\n- Read\n"
    async with study.database.session() as session:
        imported = await study.planner.import_document(session, LIN, "p.md", plan.encode())
        state = await study.planner.set_start(session, LIN, date(2026, 3, 5))
        await session.commit()
    assert imported.preparation_week
    assert "第 0 周是准备周" in render.imported(imported)
    assert (state.current_week, state.shown_week) == (0, 0)
    view = state.view(0)
    assert view is not None and (view.start, view.end) == (date(2026, 2, 26), date(2026, 3, 4))
    assert view.day == 5 and [item.text for item in view.week.items] == ["Install tools"]


async def test_todays_item_and_week_progress_for_the_nudge_and_the_summary(study: Study) -> None:
    async with study.database.session() as session:
        assert await todays_item(session, LIN.user_id, study.clock.now()) is None
        await study.planner.state(session, LIN)  # first contact
        await session.commit()
        today = await todays_item(session, LIN.user_id, study.clock.now())
    assert today is not None
    assert (today.week, today.day, today.item_position) == (1, 1, 1)
    assert today.item_text == "Day 1–2：CNN 与 ResNet" and today.item_details
    study.clock.advance(days=2)
    async with study.database.session() as session:
        await study.planner.check(session, LIN, "1")
        await session.commit()
        today = await todays_item(session, LIN.user_id, study.clock.now())
    assert today is not None and (today.day, today.item_text) == (3, "Day 3–4：RNN 与 Transformer")
    assert (today.done, today.total) == (1, 5)

    item = await _round(study)
    await _send(study, item, "poll-1")
    await _answer(study, "poll-1", True, item)
    study.clock.advance(days=7)  # into week 2
    item = await _round(study)
    await _send(study, item, "poll-2")
    await _answer(study, "poll-2", False, item)
    async with study.database.session() as session:
        week1 = await week_progress(session, LIN.user_id, study.clock.now(), 1)
        week2 = await week_progress(session, LIN.user_id, study.clock.now())
        assert await week_progress(session, LIN.user_id, study.clock.now(), 12) is None
    assert week1 is not None and week2 is not None
    assert (week1.done, week1.total, week1.quiz_answered, week1.quiz_correct) == (1, 5, 1, 1)
    assert week1.accuracy == 1.0
    assert (week2.week, week2.done, week2.quiz_answered, week2.quiz_correct) == (2, 0, 1, 0)


# -- quizzes ---------------------------------------------------------------------------------


async def test_new_questions_come_from_the_current_plan_week_first(study: Study) -> None:
    async with study.database.session() as session:
        await study.planner.set_start(session, LIN, date(2026, 2, 16))  # week 3: CLIP
        await session.commit()
    first = await _round(study)
    assert first.is_new and first.question.topic == "clip"
    assert first.profile.language == "zh" and first.options == tuple(
        first.question.text("zh").options[i] for i in first.option_order
    )
    assert sorted(first.option_order) == list(range(len(first.options)))
    correct = first.correct_option_ids
    assert [first.option_order[i] for i in correct] == [first.question.answer]

    # In week 1 the week's four topics take turns.
    seen = []
    async with study.database.session() as session:
        await study.planner.set_start(session, ANA, date(2026, 3, 2))
        await session.commit()
    for number in range(4):
        item = await _round(study, ANA)
        await _send(study, item, f"ana-{number}")
        seen.append(item.question.topic)
    assert sorted(seen) == ["attention", "cnn", "resnet", "rnn"]


async def test_an_answer_updates_the_fsrs_card_and_brings_the_next_question(
    study: Study,
) -> None:
    item = await _round(study)
    assert item.round_left == 4 and item.position == 1
    await _send(study, item, "p1")
    study.clock.advance(seconds=5)
    outcome = await _answer(study, "p1", True, item)
    assert isinstance(outcome, PollAnswered)
    assert outcome.correct and outcome.rating == Rating.Easy
    assert outcome.next_item is not None and outcome.next_item.position == 2
    assert outcome.next_item.question.id != item.question.id
    async with study.database.session() as session:
        card = await session.scalar(
            select(QuizCard).where(QuizCard.question_id == item.question.id)
        )
        prompt = await session.scalar(select(QuizPrompt).where(QuizPrompt.poll_id == "p1"))
        now = study.clock.now()
        assert await due_review_count(session, LIN.user_id, now) == 0
        assert await due_review_count(session, LIN.user_id, card.due if card else now) == 1
    assert card is not None and card.reviews == 1 and card.due > study.clock.now()
    assert prompt is not None and prompt.latency_ms == 5000 and prompt.correct
    assert prompt.rating == Rating.Easy

    # Answering twice, someone else's poll and unknown polls change nothing.
    assert isinstance(await _answer(study, "p1", False, item), PollIgnored)
    other = await _answer(study, "p1", True, item, user_id=ANA.user_id)
    assert isinstance(other, PollIgnored) and other.key == "quiz.not_yours"
    unknown = await _answer(study, "nope", True, item)
    assert isinstance(unknown, PollIgnored) and unknown.key == "quiz.unknown_poll"


async def test_a_round_has_five_questions_then_a_summary_and_due_cards_come_first(
    study: Study,
) -> None:
    item = await _round(study)
    for number in range(5):
        await _send(study, item, f"r{number}")
        study.clock.advance(seconds=20)
        outcome = await _answer(study, f"r{number}", number != 2, item)
        assert isinstance(outcome, PollAnswered)
        if number < 4:
            assert outcome.next_item is not None and outcome.summary is None
            item = outcome.next_item
    assert outcome.next_item is None and outcome.summary is not None
    assert (outcome.summary.answered, outcome.summary.correct) == (5, 4)

    # Later, the cards are due and come before any new question.
    study.clock.advance(days=1)
    async with study.database.session() as session:
        due = await due_review_count(session, LIN.user_id, study.clock.now())
    assert due == 5
    review = await _round(study)
    assert not review.is_new


async def test_nothing_to_quiz_when_everything_was_seen_and_nothing_is_due(study: Study) -> None:
    small = Quizzer(
        load_bank_subset(2),
        study.quizzer.learners,
        study.planner,
        study.clock,
        rng=random.Random(1),
    )
    study.quizzer = small
    item = await _round(study)
    await _send(study, item, "s1")
    outcome = await _answer(study, "s1", True, item)
    assert isinstance(outcome, PollAnswered) and outcome.next_item is not None
    await _send(study, outcome.next_item, "s2")
    await _answer(study, "s2", True, outcome.next_item)
    async with study.database.session() as session:
        nothing = await small.start_round(session, LIN)
    assert isinstance(nothing, NothingToQuiz) and nothing.next_due is not None


def load_bank_subset(size: int):  # type: ignore[no-untyped-def]
    from coach.quiz.bank import QuestionBank

    return QuestionBank([q for q in BANK.questions if q.kind == "choice"][:size])


async def test_free_text_questions_wait_for_an_answer_and_reschedule_their_card(
    study: Study,
) -> None:
    item = await _round(study, kind="explain")
    assert item.question.kind == "explain" and item.round_left == 0
    await _send(study, item, None)
    async with study.database.session() as session:
        pending = await study.quizzer.pending_explain(session, LIN)
    assert pending is not None and pending.question.id == item.question.id
    grade = Grade(score=0.9, feedback="good", grader="llm")
    async with study.database.session() as session:
        reviewed = await study.quizzer.review_explain(session, LIN, pending, "my answer", grade)
        await session.commit()
    assert reviewed is not None and reviewed.rating == Rating.Good
    assert reviewed.summary is not None and reviewed.summary.correct == 1
    async with study.database.session() as session:
        assert await study.quizzer.pending_explain(session, LIN) is None
        again = await study.quizzer.review_explain(session, LIN, pending, "again", grade)
        skipped = await study.quizzer.skip(session, LIN)
    assert again is None and skipped.question is None

    # A new round closes a free-text question that is still waiting.
    second = await _round(study, kind="explain")
    await _send(study, second, None)
    await _round(study)
    async with study.database.session() as session:
        assert await study.quizzer.pending_explain(session, LIN) is None


async def test_stats_count_accuracy_per_topic(study: Study) -> None:
    item = await _round(study)
    await _send(study, item, "a")
    outcome = await _answer(study, "a", True, item)
    assert isinstance(outcome, PollAnswered) and outcome.next_item
    await _send(study, outcome.next_item, "b")
    await _answer(study, "b", False, outcome.next_item)
    async with study.database.session() as session:
        stats = await study.quizzer.stats(session, LIN)
    assert (stats.answered, stats.correct, stats.cards) == (2, 1, 2)
    answered = {topic.topic: topic for topic in stats.topics if topic.answered}
    assert sum(topic.answered for topic in answered.values()) == 2
    assert all(topic.questions > 0 for topic in stats.topics)
    assert stats.next_due is not None
    assert stats.next_due - study.clock.now() < timedelta(hours=1)
