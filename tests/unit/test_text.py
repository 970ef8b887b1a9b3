"""Lists, clauses, plurals, times on another day and unknown commands, as the learner reads them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coach.blocks.render import local_time
from coach.commands import command_name, suggest, unknown_command
from coach.learners.profile import Profile
from coach.messages import t
from coach.plan.planner import NoSuchWeek
from coach.plan.render import no_such_week
from coach.quiz import render as quiz_render
from coach.quiz.bank import load_bank
from coach.quiz.quizzer import ExplainReviewed, Grade
from coach.text import PluralSpecError, join_clauses, join_list, plural, plural_forms

COMMANDS = ("start", "help", "block", "status", "cancel", "settings", "quiz", "plan", "week")


def _profile(language: str) -> Profile:
    return Profile(1, 1, "Lin", language, "Asia/Shanghai")


def test_lists_use_each_language_s_separator() -> None:
    assert join_list("zh", ["1", "2", "3"]) == "1、2、3"
    assert join_list("en", ["1", "2", "3"]) == "1, 2, 3"
    assert no_such_week(NoSuchWeek(_profile("zh"), 9, (1, 2, 3))) == (
        "计划里没有第 9 周，现有的是第 1、2、3 周。"
    )


def test_items_that_end_in_punctuation_never_double_the_separator() -> None:
    assert join_clauses("zh", ["读懂注意力；", "写一个 demo。", ""]) == "读懂注意力；写一个 demo。"
    assert join_clauses("zh", ["读论文。", "写代码；"]) == "读论文；写代码"
    english = join_clauses("en", ["read the paper;", "write a demo."])
    assert english == "read the paper; write a demo."
    assert join_list("zh", ["奶茶，", "散步、"]) == "奶茶、散步"
    assert join_clauses("zh", ["能画出 CNN。"]) == "能画出 CNN。"  # one goal line stays as written


def test_plural_forms_follow_cldr() -> None:
    spec = "one=# day|other=# days"
    assert [plural("en", n, spec) for n in (0, 1, 2, 21)] == [
        "0 days",
        "1 day",
        "2 days",
        "21 days",
    ]
    assert plural("en", "1.0", spec) == "1.0 days"  # a visible decimal is plural in English
    assert plural("zh", 1, spec) == "1 days"  # Chinese has only `other`
    with pytest.raises(PluralSpecError):
        plural_forms("one=# day")
    with pytest.raises(TypeError):
        t("en", "status.streak", days="many")


def test_the_english_catalog_counts_agree() -> None:
    assert t("en", "status.today", date="2026-03-02", blocks=1, minutes=1) == (
        "Today (2026-03-02): 1 block completed, 1 minute"
    )
    assert t("en", "rewards.bad_index", value="9", count=1) == (
        "There is no item “9”. The menu has 1 item; use 1."
    )
    # The weekly chart's totals: "40 min of focus · 1 focus block", never "1 blocks".
    blocks = t("en", "pictures.blocks", count=1)
    assert blocks == "1 focus block"
    assert t("en", "pictures.weekly_totals", minutes=40, blocks=blocks, active=1).startswith(
        "40 min of focus · 1 focus block"
    )


NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai


@pytest.mark.parametrize(
    ("language", "instant", "shown"),
    [
        ("zh", datetime(2026, 12, 1, 15, 30, tzinfo=UTC), "23:30"),
        ("zh", datetime(2026, 12, 1, 16, 19, tzinfo=UTC), "明天 00:19"),
        ("en", datetime(2026, 12, 1, 16, 19, tzinfo=UTC), "00:19 tomorrow"),
        ("zh", datetime(2026, 12, 2, 16, 19, tzinfo=UTC), "12-03 00:19"),
        ("en", datetime(2027, 1, 5, 1, 0, tzinfo=UTC), "2027-01-05 09:00"),
    ],
)
def test_a_time_on_another_day_gives_the_day(language: str, instant: datetime, shown: str) -> None:
    assert local_time(_profile(language), instant, NOW) == shown


@pytest.mark.parametrize(
    ("language", "line"),
    [("zh", "这张卡下次复习：明天 00:19。"), ("en", "Next review of this card: 00:19 tomorrow.")],
)
def test_the_quiz_review_time_names_tomorrow(language: str, line: str) -> None:
    question = load_bank().of_kind("explain")[0]
    reviewed = ExplainReviewed(
        profile=_profile(language),
        question=question,
        language=language,
        grade=Grade(score=0.8, feedback="ok", grader="llm"),
        rating=3,
        due=datetime(2026, 12, 1, 16, 19, tzinfo=UTC),
        next_item=None,
        summary=None,
    )
    assert line in quiz_render.graded(reviewed, NOW).splitlines()


def test_a_mistyped_command_suggests_the_closest() -> None:
    assert command_name("/Stauts@CoachBot now") == "stauts"
    assert suggest("/stauts", COMMANDS) == "status"
    assert suggest("setings", COMMANDS) == "settings"
    assert suggest("/frobnicate", COMMANDS) is None
    reply = unknown_command("zh", "/stauts", COMMANDS)
    assert reply == "没有 /stauts 这个命令——是想用 /status 吗？\n/help 查看全部命令。"
    assert unknown_command("en", "/xyz", COMMANDS) == (
        "There is no /xyz command.\n/help lists every command."
    )
    assert len(unknown_command("en", "/" + "x" * 500, COMMANDS)) < 120
