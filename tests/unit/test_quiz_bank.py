"""The question bank: size, coverage, Telegram's limits, validation, and the offline rubric."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coach.quiz.bank import BankError, load_bank, utf16_length
from coach.quiz.topics import TOPICS, topics_for_week
from coach.tutor.rubric import keyword_score

BANK = load_bank()
CHOICE = BANK.of_kind("choice")
EXPLAIN = BANK.of_kind("explain")


def test_at_least_sixty_quiz_questions_in_both_languages_over_every_topic() -> None:
    assert len(CHOICE) >= 60
    assert len(EXPLAIN) >= 8
    per_topic = Counter(question.topic for question in CHOICE)
    assert set(per_topic) == set(TOPICS)
    assert min(per_topic.values()) >= 4
    for question in BANK.questions:
        zh, en = question.text("zh"), question.text("en")
        assert zh.question != en.question
        assert any("\u4e00" <= char <= "\u9fff" for char in zh.question), question.id
        assert not any("\u4e00" <= char <= "\u9fff" for char in en.question), question.id


def test_the_issue_s_key_ideas_are_asked() -> None:
    ids = {question.id for question in BANK.questions}
    for needed in (
        "resnet.formula",  # x + F(x)
        "rnn.hidden_update",
        "attn.q_shape",
        "attn.output_shape",
        "attn.why_sqrt_dk",
        "attn.softmax_axis",
        "attn.head_dim",
        "vit.patches_224",  # 196 tokens
        "vit.cls_role",
        "vit.position_why",
        "clip.objective",  # positives together, negatives apart
        "clip.temperature_role",
        "clip.symmetric",
        "mllm.pipeline",  # vision encoder → projector → LLM
        "sft.ignore_index",
        "ppo.clip_positive",
        "dpo.loss_value",
        "grpo.advantages",
        "explain.qkv",
        "explain.infonce_negatives",
    ):
        assert needed in ids


@pytest.mark.parametrize("question", CHOICE, ids=[q.id for q in CHOICE])
def test_every_quiz_fits_telegram_s_limits(question: object) -> None:
    from coach.quiz.bank import Question

    assert isinstance(question, Question)
    for language in ("zh", "en"):
        text = question.text(language)
        assert 1 <= utf16_length(text.question) <= 300
        assert 2 <= len(text.options) <= 10
        assert all(1 <= utf16_length(option) <= 100 for option in text.options)
        assert 1 <= utf16_length(text.explanation) <= 200
        assert text.explanation.count("\n") <= 2
        assert 0 <= question.answer < len(text.options)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bank.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """
[[question]]
id = "x.good"
topic = "vit"
answer = 0
options = ["196", "197"]
[question.zh]
question = "问题？"
explanation = "解释。"
[question.en]
question = "Question?"
explanation = "Why."
"""


def test_a_valid_custom_bank_loads(tmp_path: Path) -> None:
    bank = load_bank([_write(tmp_path, GOOD)])
    assert len(bank) == 1 and bank.get("x.good") is not None


def test_every_problem_of_a_broken_bank_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        GOOD
        + GOOD.replace("answer = 0", "answer = 5")
        + f"""
[[question]]
id = "x.long"
topic = "nonsense"
answer = 0
options = ["a", "{"b" * 101}"]
[question.zh]
question = "问题？"
explanation = "{"长" * 201}"
[question.en]
question = "Question?"
explanation = "Why."
"""
    )
    with pytest.raises(BankError) as raised:
        load_bank([_write(tmp_path, broken)])
    message = str(raised.value)
    assert "answer 5 is not an option index" in message
    assert "unknown topic 'nonsense'" in message
    assert "must be 1-100 characters" in message
    assert "explanation must be 1-200 characters" in message


def test_a_question_missing_a_language_is_refused(tmp_path: Path) -> None:
    body = GOOD.split("[question.en]")[0]
    with pytest.raises(BankError, match=r"no \[en\] text"):
        load_bank([_write(tmp_path, body)])


@pytest.mark.parametrize("question", EXPLAIN, ids=[q.id for q in EXPLAIN])
def test_each_model_answer_covers_its_whole_rubric_offline(question: object) -> None:
    from coach.quiz.bank import Question

    assert isinstance(question, Question)
    for language in ("zh", "en"):
        score, covered = keyword_score(question, question.text(language).model_answer)
        assert all(covered), (question.id, language, covered)
        assert score == 1.0
    score, _ = keyword_score(question, "我不知道 / no idea")
    assert score == 0.0


def test_partial_answers_get_partial_credit() -> None:
    question = BANK.get("explain.qkv")
    assert question is not None
    score, covered = keyword_score(question, "Q 和 K 做点积，然后 softmax")
    assert covered == (False, True, True, False)
    assert score == 0.5


def test_plan_weeks_map_to_topics_by_their_words() -> None:
    assert topics_for_week(1, "CNN / ResNet / RNN / Transformer 基本结构") == [
        "cnn",
        "resnet",
        "rnn",
        "attention",
    ]
    # Week 2 names multi-head attention too; its own topic comes first.
    assert topics_for_week(2, "ViT 核心思想（patch、位置编码、多头注意力）") == ["vit", "attention"]
    assert topics_for_week(6, "大模型微调算法（SFT / RL） PPO/DPO/GRPO") == [
        "sft",
        "ppo",
        "dpo",
        "grpo",
    ]
    assert topics_for_week(3, "something unrelated") == ["clip"]
