"""The offline coach: what a message asks, what the plan and the bank say, and the reply."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.blocks.views import BlockView
from coach.learners.profile import Profile
from coach.plan.parser import StudyPlan, parse_plan
from coach.plan.planner import PlanState, default_plan, suggest_today
from coach.quiz.bank import load_bank
from coach.tutor.intent import recognise
from coach.tutor.retrieval import bank_library, plan_library, tokenize
from coach.tutor.tutor import ChatContext, ground, offline_answer
from db.models import BlockStatus

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "study-plan-stage1.md"
BANK = load_bank()
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seed_plan() -> StudyPlan:
    if not SEED.is_file():
        pytest.skip(f"the seed plan {SEED} is not present")
    return parse_plan(SEED.read_text("utf-8"))


def _context(
    plan: StudyPlan, language: str = "zh", running: BlockView | None = None
) -> ChatContext:
    profile = Profile(1, 1, "Lin", language, "Asia/Shanghai")
    state = PlanState(
        profile=profile,
        plan=plan,
        imported=True,
        file_name=None,
        revision=1,
        start_date=date(2026, 3, 10),
        today=date(2026, 3, 10),
        ticked=frozenset(),
    )
    return ChatContext(
        profile=profile,
        today=suggest_today(state),
        blocks_today=0,
        minutes_today=0,
        streak=0,
        due_reviews=0,
        history=(),
        now=NOW,
        running=running,
        short_block_minutes=35,
    )


def _block(minutes_left: int) -> BlockView:
    return BlockView(
        id=7,
        topic="RNN",
        planned_minutes=45,
        status=BlockStatus.RUNNING,
        started_at=NOW - timedelta(minutes=45 - minutes_left),
        planned_end_at=NOW + timedelta(minutes=minutes_left),
        finished_at=None,
        late=False,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我今天不想学", "unwilling"),
        ("好累啊，学不动了", "unwilling"),
        ("I don't feel like studying", "unwilling"),
        ("I'm so tired today", "unwilling"),
        ("我好累，不想学 attention", "unwilling"),
        ("我的进度怎么样？", "progress"),
        ("how am I doing?", "progress"),
        ("what's my streak", "progress"),
        ("how does InfoNCE work?", "concept"),
        ("RNN 的隐藏状态怎么传递？", "concept"),
        ("我不想用 PyTorch，JAX 怎么样？", "concept"),
        ("InfoNCE 是什么？", "concept"),
        ("为什么要除以根号 d_k", "concept"),
        ("explain the residual connection", "concept"),
        ("ok", "chat"),
        ("谢谢", "chat"),
    ],
)
def test_intent_by_keywords_in_both_languages(text: str, intent: str) -> None:
    assert recognise(text) == intent


def test_tokens_are_latin_words_and_cjk_bigrams_without_question_words() -> None:
    assert tokenize("How does InfoNCE work?") == ["infonce"]
    assert tokenize("InfoNCE 是什么？") == ["infonce"]
    assert tokenize("对比学习损失") == ["对比", "比学", "学习", "习损", "损失"]
    assert tokenize("ＱＫＶ 注意力") == ["qkv", "注意", "意力"]


@pytest.mark.parametrize("query", ["how does InfoNCE work?", "InfoNCE 是什么？", "对比学习是什么"])
def test_infonce_finds_the_clip_week_of_the_seed_plan(seed_plan: StudyPlan, query: str) -> None:
    [best, *_] = plan_library(seed_plan).search(query, items_only=True)
    assert best.passage.week == 3
    assert best.passage.week_title == "CLIP（图文对齐）"
    assert "InfoNCE" in best.passage.text or "对比学习" in best.passage.text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_infonce_finds_the_clip_cards(language: str) -> None:
    hits = bank_library(BANK, language).search("how does InfoNCE work?")
    assert hits and all(hit.question.topic == "clip" for hit in hits)


def test_an_english_question_finds_a_chinese_plan_item_through_the_topic(
    seed_plan: StudyPlan,
) -> None:
    grounding = ground(_context(seed_plan, "en"), BANK, "what is a residual connection?")
    assert grounding.intent == "concept"
    assert grounding.topic == "resnet"
    assert grounding.plan_hits[0].passage.week == 1


def test_unwilling_quotes_the_plan_s_own_rule_and_offers_a_short_block(
    seed_plan: StudyPlan,
) -> None:
    context = _context(seed_plan)
    text, offers = offline_answer(context, ground(context, BANK, "我今天不想学"))
    assert "你的计划里写着：「当你很不想学的时候，只要求自己" in text
    assert "先撑过一个块" in text
    assert offers.block_minutes == 35 and offers.quiz_topic is None


def test_a_plan_without_the_rule_still_gets_it_in_the_learner_s_words() -> None:
    context = _context(default_plan("en"), "en")
    text, offers = offline_answer(context, ground(context, BANK, "I don't feel like studying"))
    assert text.startswith("Your plan's rule: when you really don't feel like studying")
    assert "35-minute block" in text and offers.block_minutes == 35


def test_a_concept_question_names_the_week_item_explanation_and_offers_cards(
    seed_plan: StudyPlan,
) -> None:
    context = _context(seed_plan)
    text, offers = offline_answer(context, ground(context, BANK, "how does InfoNCE work?"))
    assert "📍 你的计划在第 3 周「CLIP（图文对齐）」第 3 项讲到它：搞清楚 InfoNCE" in text
    assert "📖 题库的解释：" in text
    clip_cards = sum(1 for q in BANK.questions if q.topic == "clip")
    assert f"🃏 题库里有 {clip_cards} 张CLIP / InfoNCE的卡" in text
    assert offers.quiz_topic == "clip" and offers.block_minutes is None


def test_during_a_block_the_reply_acknowledges_it_and_says_what_is_left(
    seed_plan: StudyPlan,
) -> None:
    context = _context(seed_plan, running=_block(minutes_left=20))
    text, offers = offline_answer(context, ground(context, BANK, "我今天不想学"))
    assert text.startswith("⏱ 你正在专注块「RNN」里，还剩 20 分钟（10:20 结束）。")
    assert "剩下的 20 分钟撑过去就算赢" in text
    assert offers.block_minutes is None, "no second block while one runs"
    chat, _ = offline_answer(context, ground(context, BANK, "ok"))
    assert chat.startswith("⏱ 你正在专注块「RNN」里，还剩 20 分钟")
    assert "你现在在第" not in chat


def test_small_talk_gets_the_status_card(seed_plan: StudyPlan) -> None:
    context = _context(seed_plan)
    text, offers = offline_answer(context, ground(context, BANK, "ok"))
    assert text.startswith("你现在在第 1 周：常见深度网络结构，清单完成 0/4。")
    assert offers.block_minutes is None and offers.quiz_topic is None


def test_the_three_messages_of_issue_12_get_three_different_replies(
    seed_plan: StudyPlan,
) -> None:
    asked = [
        ("zh", "我今天不想学"),
        ("zh", "how does InfoNCE work?"),
        ("en", "I don't feel like studying"),
    ]
    replies = set()
    for language, text in asked:
        context = _context(seed_plan, language)
        replies.add(offline_answer(context, ground(context, BANK, text))[0])
    assert len(replies) == 3


@pytest.mark.parametrize(
    ("text", "intent"),
    [("InfoNCE", "concept"), ("残差连接", "concept"), ("my activity log", "chat")],
)
def test_naming_a_topic_is_a_concept_question_even_without_a_question_mark(
    text: str, intent: str
) -> None:
    context = _context(default_plan("en"), "en")
    assert ground(context, BANK, text).intent == intent
