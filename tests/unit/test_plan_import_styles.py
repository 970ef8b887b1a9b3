"""Plans as people really write them: five public plans by other people and our own in each
style (checkboxes, plain bullets, dated days, a chat answer in a fence, bold phase headings,
Chinese numerals), in both languages, and documents the importer must refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.messages import CATALOGS, t
from coach.plan.export import export_with_ticks
from coach.plan.parser import PlanParseError, StudyPlan, parse_plan
from coach.plan.planner import MAX_ITEMS, MAX_WEEKS, REFUSAL_KEYS, read_plan

REAL_PLANS = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "real-plans"
OWN_PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


def _real(name: str) -> str:
    path = REAL_PLANS / name
    if not path.is_file():
        pytest.skip(f"the real plans folder {REAL_PLANS} is not beside the clone")
    return path.read_bytes().decode("utf-8")


def _own(name: str) -> str:
    return (OWN_PLANS / name).read_bytes().decode("utf-8")


def _counts(plan: StudyPlan) -> dict[int, int]:
    return {week.number: len(week.items) for week in plan.weeks}


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.split("\n"), after.split("\n"), strict=True) if a != b]


def _round_trip(document: str) -> None:
    """Export is the document byte for byte; a tick changes only its item's line, survives a
    re-import of the export, and unticking gives the original back."""
    plan = parse_plan(document)
    as_written = {item.index for item in plan.items if item.checked}
    assert export_with_ticks(plan, as_written) == document
    # One open item per week, the first one.
    picks = [next(i for i in week.items if not i.checked) for week in plan.weeks if week.items]
    picks = [item for item in picks if item is not None]
    ticked = as_written | {item.index for item in picks}
    exported = export_with_ticks(plan, ticked)
    changed = _changed(document, exported)
    assert len(changed) == len(picks)
    for (before, after), item in zip(changed, picks, strict=True):
        if item.boxed:
            assert after == before[: item.mark_column] + "x" + before[item.mark_column + 1 :]
        else:
            assert after == before[: item.mark_column] + "[x] " + before[item.mark_column :]
    again = parse_plan(exported)
    assert [(i.week, i.text) for i in again.items] == [(i.week, i.text) for i in plan.items]
    assert {item.index for item in again.items if item.checked} == ticked
    assert export_with_ticks(plan, as_written) == document


# -- other people's plans ----------------------------------------------------------------------


def test_a_chinese_plan_with_week_0_and_plain_bullets() -> None:
    document = _real("01-zh-llm-12-weeks.md")
    plan = parse_plan(document)
    # The title names "Week 0" but holds the weeks: it is the title, not a week.
    assert plan.title == "理论优先的 12 周 LLM 学习计划（含 Week 0 启动）"
    assert [week.number for week in plan.weeks] == list(range(13))
    week0, week1 = plan.weeks[0], plan.weeks[1]
    assert week0.title == "数学与反向传播快充（2–4 小时）"
    assert [item.text for item in week0.items] == [
        "线代/概率/微积分核心公式速记；自动微分与计算图复习",
        "产出：A4 速查表 + “待攻克清单”",
    ]
    assert week0.deliverable == "A4 速查表 + “待攻克清单”"
    assert week1.title == "Transformer 总览与注意力直觉"
    assert plan.weeks[12].title == "总结与展望（里程碑 II）"
    assert _counts(plan) == {0: 2, 6: 2, 12: 1} | {n: 3 for n in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11)}
    assert len(plan.items) == 35 and not any(item.boxed for item in plan.items)
    # "建议资料" and "学习节奏" close the plan: they are not week 12's work.
    assert all("karpathy" not in item.text for item in plan.items)
    _round_trip(document)


def test_a_chat_answer_with_the_plan_in_a_markdown_fence_and_two_week_sections() -> None:
    document = _real("02-zh-dl-cv-llm-rl-12-weeks.md")
    plan = parse_plan(document)
    assert plan.title == "第二阶段学习计划：计算机视觉（CV）、大语言模型（LLM）、强化学习（RL）"
    assert [week.number for week in plan.weeks] == list(range(1, 13))
    titles = [week.title for week in plan.weeks]
    assert titles[0] == titles[1] == "CV基础与目标检测"
    assert titles[10] == titles[11] == "高级应用与系统设计"
    # "学习重点" and "实战项目" stand for their sub-bullets; "关键资源" is not work. A two-week
    # section's items go to its first week.
    assert _counts(plan) == {
        1: 3,
        2: 0,
        3: 5,
        4: 0,
        5: 3,
        6: 0,
        7: 5,
        8: 0,
        9: 3,
        10: 0,
        11: 5,
        12: 0,
    }
    assert [item.text for item in plan.weeks[0].items] == [
        "OpenCV图像处理与数据增强",
        "目标检测框架：Faster R-CNN/YOLOv8/DETR",
        "实战项目：自定义数据集训练检测模型",
    ]
    assert len(plan.items) == 24
    _round_trip(document)


def test_bold_week_headings_under_bold_phases_keep_their_titles() -> None:
    document = _real("05-en-ml-52-weeks.md")
    plan = parse_plan(document)
    assert plan.title == "📘 Machine Learning Roadmap (12-Month Plan)"
    assert [week.number for week in plan.weeks] == list(range(1, 53))
    assert plan.weeks[0].title == "Python Basics for ML"
    assert plan.weeks[8].title == "Linear Regression"
    assert plan.weeks[51].title == "Reflection & Next Steps"
    assert all(not week.title.startswith(("Phase", ")")) for week in plan.weeks)
    # Only the checkboxes: "Resources" lists and the closing outro are not tasks.
    assert len(plan.items) == 172 == document.count("\n- [")
    assert [item.text for item in plan.weeks[0].items][:2] == [
        "Review Python fundamentals (functions, classes, list comprehensions).",
        "Learn NumPy basics: arrays, broadcasting, matrix multiplication.",
    ]
    assert [item.checked for item in plan.weeks[0].items] == [True, True, False, False]
    assert _counts(plan)[52] == 3 and _counts(plan)[35] == 2
    _round_trip(document)


def test_front_matter_emoji_months_and_a_two_week_capstone() -> None:
    document = _real("07-en-ai-llm-24-weeks-frontmatter.md")
    plan = parse_plan(document)
    assert plan.title == "AI Study"  # the front matter's
    assert [week.number for week in plan.weeks] == list(range(1, 25))
    assert plan.weeks[0].title == "What is Machine Learning?"
    assert plan.weeks[20].title == plan.weeks[21].title == "Choose & Build Your Capstone"
    assert _counts(plan) == {n: 3 for n in range(1, 21)} | {21: 2, 22: 0, 23: 2, 24: 2}
    assert plan.weeks[0].items[2].text.startswith("🧪 Tutorial: Intro to ML in Python")
    _round_trip(document)


def test_zero_padded_weeks_with_day_bullets_and_deep_sub_bullets() -> None:
    document = _real("08-en-webdev-36-weeks.md")
    plan = parse_plan(document)
    assert plan.title == "CURRICULUM"
    assert [week.number for week in plan.weeks] == list(range(1, 37))
    assert plan.weeks[0].title == "Intro to Computing/Internet/WWW/HTML/CSS/JavaScript"
    assert plan.weeks[35].title == "Mini CMS"
    assert _counts(plan) == {n: 5 for n in range(1, 37)}
    week1 = plan.weeks[0]
    assert [item.days for item in week1.items] == [(d, d) for d in range(1, 6)]
    functions = plan.weeks[6].items[3]
    assert functions.text == "Day 04: JavaScript Core 1: Functions 1 (MDN)"
    assert functions.details[:2] == ("Defining Functions", "Function Declarations")
    _round_trip(document)


# -- our own plans, one per style and language -------------------------------------------------


OWN = {
    # name: (title, {week: (title, item count)})
    "en-checkbox.md": (
        "Deep Learning in Six Weeks",
        {1: ("Tensors and autograd", 3), 2: ("Training loops", 2)},
    ),
    "zh-checkbox.md": (
        "三周 Python 数据分析计划",
        {1: ("NumPy 基础", 4), 2: ("Pandas", 2), 3: ("可视化", 2)},
    ),
    "en-plain-bullets.md": (
        "Web Basics, Written Like Notes",
        {0: ("Setup", 2), 1: ("HTML", 3), 2: ("CSS", 2)},
    ),
    "zh-plain-bullets.md": (
        "机器学习入门（四周，没有复选框）",
        {1: ("线性回归", 3), 2: ("逻辑回归", 2), 3: ("项目", 1), 4: ("项目", 1)},
    ),
    "zh-dated-days.md": ("暑期冲刺计划", {1: ("第一周", 3), 2: ("第二周", 2)}),
    "en-dated-days.md": ("Two-Week Sprint", {1: ("Week 1", 3), 2: ("Week 2", 2)}),
    "en-chat-fenced.md": (
        "Statistics Refresher",
        {1: ("Descriptive statistics", 2), 2: ("Probability", 2), 3: ("Inference", 2)},
    ),
    "zh-chat-fenced.md": ("两周 Transformer 计划", {1: ("注意力机制", 2), 2: ("完整模型", 2)}),
    "en-bold-phases.md": (
        "🚀 ML Roadmap",
        {
            1: ("Python Basics for ML", 2),
            2: ("📊 Visualization", 2),
            3: ("Linear models", 2),
            4: ("Linear models", 0),
        },
    ),
    "zh-bold-phases.md": (
        "多模态入门路线",
        {1: ("CNN 与 ResNet", 2), 2: ("🔥 Transformer", 2), 3: ("CLIP", 2), 4: ("CLIP", 0)},
    ),
    "zh-chinese-numerals.md": (
        "十二周计划（节选）",
        {
            1: ("导论", 1),
            2: ("回归", 1),
            10: ("集成学习", 1),
            11: ("综合项目", 1),
            12: ("综合项目", 1),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_our_plans_in_every_style_import_and_round_trip(name: str) -> None:
    document = _own(name)
    plan = parse_plan(document)
    title, weeks = OWN[name]
    assert plan.title == title
    assert {week.number: (week.title, len(week.items)) for week in plan.weeks} == weeks
    _round_trip(document)


def test_plain_bullets_keep_nesting_as_details_and_labels_as_goal_and_deliverable() -> None:
    plan = parse_plan(_own("en-plain-bullets.md"))
    week1, week2 = plan.week(1), plan.week(2)
    assert week1 is not None and week2 is not None
    read = week1.items[0]
    assert read.text == "Read the MDN HTML basics" and not read.boxed
    assert read.outline == ((0, "headings and paragraphs"), (0, "links and images"))
    assert week1.deliverable == "the résumé page on GitHub Pages"
    # A goal is not a task; the "## Notes" section after the weeks is not part of week 2.
    assert week2.goal == "lay out a page with flexbox"
    assert [item.text for item in week2.items] == [
        "Flexbox Froggy, all levels",
        "Restyle the résumé page",
    ]
    zh = parse_plan(_own("zh-plain-bullets.md"))
    descent = zh.weeks[0].items[1]
    assert descent.text == "用 NumPy 实现梯度下降" and descent.details == ("画出损失曲线",)
    # "学习重点" stands for its sub-bullets; "推荐资源" is not work.
    assert [item.text for item in zh.weeks[1].items] == ["交叉熵损失", "正则化"]


def test_ticking_a_plain_bullet_boxes_only_that_line_and_unticking_restores_it() -> None:
    document = _own("zh-plain-bullets.md")
    plan = parse_plan(document)
    item = plan.weeks[1].items[0]
    exported = export_with_ticks(plan, {item.index})
    assert _changed(document, exported) == [("  - 交叉熵损失", "  - [x] 交叉熵损失")]
    assert export_with_ticks(plan, set()) == document


def test_dated_day_bullets_carry_their_date() -> None:
    plan = parse_plan(_own("zh-dated-days.md"))
    dates = [str(item.date) for item in plan.items]
    assert dates == ["2024-08-05", "2024-08-06", "2024-08-07", "2024-08-12", "2024-08-13"]
    assert plan.weeks[0].items[1].text == "2024-08-06 (周二): 概率论基础"
    assert plan.weeks[0].items[1].details == ("条件概率", "贝叶斯公式")
    english = parse_plan(_own("en-dated-days.md"))
    assert [item.date.day for item in english.items if item.date] == [2, 3, 4, 9, 10]


def test_sub_headings_in_a_phase_give_their_weeks_and_checkbox_nesting_is_kept() -> None:
    plan = parse_plan(_own("zh-checkbox.md"))
    week1 = plan.weeks[0]
    assert [(item.text, item.depth, item.checked) for item in week1.items] == [
        ("读完 NumPy 快速入门", 0, False),
        ("练习 20 道数组题", 0, False),
        ("先做前 10 道", 1, False),
        ("装好 Jupyter", 0, True),
    ]
    english = parse_plan(_own("en-checkbox.md"))
    # The resources under week 2 are not tasks.
    assert [item.text for item in english.weeks[1].items] == [
        "Write a training loop with a validation split",
        "Plot the loss curves",
    ]


# -- documents the importer refuses --------------------------------------------------------------


def _refusal(data: bytes) -> PlanParseError:
    with pytest.raises(PlanParseError) as raised:
        read_plan(data)
    return raised.value


def _weeks(count: int, items: int = 1) -> bytes:
    body = "".join(
        f"## Week {n}: topic\n" + "".join(f"- [ ] task {n}.{i}\n" for i in range(items))
        for n in range(1, count + 1)
    )
    return ("# Plan\n\n" + body).encode()


@pytest.mark.parametrize(
    ("data", "key", "values"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "plan.binary_kind", {"kind": "PNG"}),
        (b"%PDF-1.7\n" + bytes(range(256)), "plan.binary_kind", {"kind": "PDF"}),
        (b"## Week 1\x00\x01\x02" + bytes(range(128, 256)), "plan.binary", {}),
        (b"# x\n" * 70_000, "plan.too_large_found", {"size": 274, "limit": 256}),
        (
            "## 第 1 周：基础\n- 任务".encode("gbk"),
            "plan.not_utf8_guess",
            {"encoding": "GBK / GB18030"},
        ),
        ("## Week 1\n- task".encode("utf-16"), "plan.not_utf8_guess", {"encoding": "UTF-16"}),
        (b"# Notes\n\n## Ideas\n- one\n- two\n", "plan.no_weeks", {"headings": 2, "items": 2}),
        (_weeks(200), "plan.too_many_weeks", {"found": 200, "limit": MAX_WEEKS}),
        (_weeks(10, items=500), "plan.too_many_items", {"found": 5000, "limit": MAX_ITEMS}),
    ],
)
def test_bad_documents_are_refused_saying_what_was_expected_and_found(
    data: bytes, key: str, values: dict[str, object]
) -> None:
    refusal = _refusal(data)
    assert (refusal.key, refusal.values) == (key, values)
    assert refusal.key in REFUSAL_KEYS
    for language in ("zh", "en"):
        reply = t(language, refusal.key, **refusal.values)
        for value in values.values():
            assert str(value) in reply
        # Every refusal of a document says the plan the learner has stays.
        assert ("没有变" if language == "zh" else "unchanged") in reply


def test_a_plan_at_the_limits_is_still_accepted() -> None:
    plan = read_plan(_weeks(MAX_WEEKS, items=MAX_ITEMS // MAX_WEEKS))
    assert len(plan.weeks) == MAX_WEEKS


def test_every_refusal_has_a_message_in_both_languages_that_keeps_the_plan() -> None:
    for key in REFUSAL_KEYS:
        assert "没有变" in CATALOGS["zh"][key] and "unchanged" in CATALOGS["en"][key]
