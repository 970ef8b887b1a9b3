"""The real `openai` client over HTTP against a local OpenAI-compatible stub server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from coach.learners.profile import Profile
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import PendingExplain
from coach.tutor.llm import LlmClient, LlmError
from coach.tutor.tutor import Tutor
from tests.support.llm_stub import StubLlm

QUESTION = load_bank().get("explain.infonce_negatives")
PROFILE = Profile(1001, 1001, "Lin", "zh", "Asia/Shanghai")


@pytest.fixture
async def client(llm: StubLlm) -> AsyncIterator[LlmClient]:
    connected = LlmClient(llm.base_url, "stub-model", "sk-secret", timeout=1.0)
    yield connected
    await connected.close()


async def test_a_reply_comes_back_and_the_request_is_a_chat_completion(
    llm: StubLlm, client: LlmClient
) -> None:
    llm.reply("  Hello there.  ")
    answer = await client.complete([{"role": "user", "content": "hi"}], max_tokens=50)
    assert answer == "Hello there."
    [request] = llm.requests
    assert request["model"] == "stub-model" and request["max_tokens"] == 50
    assert request["messages"] == [{"role": "user", "content": "hi"}]
    assert llm.headers[0]["Authorization"] == "Bearer sk-secret"


@pytest.mark.parametrize(
    ("script", "reason"),
    [("fail", "failed"), ("empty", "bad_reply"), ("hang", "timeout")],
)
async def test_errors_empty_replies_and_timeouts_become_llm_errors(
    llm: StubLlm, client: LlmClient, script: str, reason: str
) -> None:
    if script == "fail":
        llm.fail(503)
    elif script == "empty":
        llm.reply("")
    else:
        llm.hang(5)
    started = time.monotonic()
    with pytest.raises(LlmError) as raised:
        await client.complete([{"role": "user", "content": "hi"}], max_tokens=10)
    assert raised.value.reason == reason
    assert time.monotonic() - started < 4, "no retries, and the timeout holds"
    assert len(llm.requests) == 1


async def test_an_unreachable_server_is_a_failure_not_a_crash() -> None:
    llm = LlmClient("http://127.0.0.1:9/v1", "m", None, timeout=1.0)
    try:
        with pytest.raises(LlmError) as raised:
            await llm.complete([{"role": "user", "content": "hi"}], max_tokens=10)
    finally:
        await llm.close()
    assert raised.value.reason in ("failed", "timeout")


async def test_grading_reads_the_model_s_json_or_falls_back_to_the_rubric(
    llm: StubLlm, client: LlmClient
) -> None:
    assert QUESTION is not None
    tutor = Tutor(client, coach=None, planner=None, clock=None)  # type: ignore[arg-type]
    pending = PendingExplain(1, PROFILE, QUESTION, "zh")
    llm.reply('Sure! {"score": 85, "feedback": "负样本讲得很清楚。"}')
    grade = await tutor.grade(pending, "没有负样本就会坍塌成同一个点，batch 里其他样本被推远")
    assert (grade.grader, grade.score, grade.feedback, grade.fallback) == (
        "llm",
        0.85,
        "负样本讲得很清楚。",
        None,
    )
    system, user = llm.messages()
    assert "Simplified Chinese" in system["content"]
    assert "负样本来自同一个 batch 的其它配对" in user["content"]  # the rubric went along
    assert "坍塌成同一个点" in user["content"]

    for scripted, reason in (("not json at all", "bad_reply"), ('{"score": "high"}', "bad_reply")):
        llm.reply(scripted)
        grade = await tutor.grade(pending, "坍塌，batch 里的其它样本被推远")
        assert (grade.grader, grade.fallback) == ("offline", reason)
        assert grade.covered == (True, True, True) and grade.score == 1.0
    llm.fail(500)
    grade = await tutor.grade(pending, "不知道")
    assert (grade.grader, grade.fallback, grade.score) == ("offline", "failed", 0.0)
    assert grade.feedback.count("❌") == 3


async def test_without_an_llm_grading_is_offline_and_says_why() -> None:
    assert QUESTION is not None
    tutor = Tutor(None, coach=None, planner=None, clock=None)  # type: ignore[arg-type]
    grade = await tutor.grade(PendingExplain(1, PROFILE, QUESTION, "en"), "they collapse")
    assert (grade.grader, grade.fallback) == ("offline", "not_configured")
    assert grade.covered == (True, False, False)
    assert grade.feedback.splitlines()[0].startswith("✅ with positives only")


def test_every_fallback_reason_has_a_message_for_chat_and_grading() -> None:
    from typing import get_args

    from coach.messages import CATALOGS
    from coach.tutor.llm import FailureReason

    for reason in (*get_args(FailureReason), "not_configured"):
        for catalog in CATALOGS.values():
            assert f"tutor.chat_fallback_{reason}" in catalog
            assert f"tutor.grade_fallback_{reason}" in catalog
