"""The Markdown plan parser and exporter: the learner's real document and variations of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.plan.export import export_with_ticks
from coach.plan.parser import PlanParseError, StudyPlan, parse_plan
from coach.plan.planner import decode_document, default_plan

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "study-plan-stage1.md"


@pytest.fixture
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"the seed plan {SEED} is not present")
    return SEED.read_bytes().decode("utf-8")


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.split("\n"), after.split("\n"), strict=True) if a != b]


# -- the learner's own document --------------------------------------------------------------


def test_the_seed_plan_has_six_weeks_with_every_checklist_item(seed_text: str) -> None:
    plan = parse_plan(seed_text)
    assert plan.title == "多模态大模型学习计划（Stage 1）"
    assert [week.number for week in plan.weeks] == [1, 2, 3, 4, 5, 6]
    assert [len(week.items) for week in plan.weeks] == [4, 4, 4, 4, 1, 1]
    # Every `- [ ]` line of the document is an item (the ones in the code block are not).
    task_lines = [line for line in seed_text.split("\n") if line.lstrip().startswith("- [ ]")]
    assert len(plan.items) == len(task_lines) == 18
    assert all(not item.checked for item in plan.items)


def test_the_seed_weeks_have_titles_goals_themes_and_deliverables(seed_text: str) -> None:
    plan = parse_plan(seed_text)
    week1, week2, week3, week4, week5, week6 = plan.weeks
    assert week1.title == "常见深度网络结构"
    assert week1.theme == "CNN / ResNet / RNN / Transformer 基本结构 & 代码走读"
    assert week1.goal.startswith("能画出/解释 CNN、ResNet、RNN、Transformer 的典型结构")
    assert week1.deliverable == "一篇《常见网络结构速查》+ 一个简易 CNN 训练脚本"
    assert [item.text for item in week1.items] == [
        "Day 1–2：CNN & ResNet",
        "Day 3–4：RNN / LSTM / Transformer",
        "Day 5–6：写一篇“常见网络结构速查表”",
        "Day 7：复盘 & 小奖励",
    ]
    assert [item.days for item in week1.items] == [(1, 2), (3, 4), (5, 6), (7, 7)]
    assert "ResNet 中 x + F(x) 残差连接的直觉。" in week1.items[0].details
    assert week2.title == "Vision Transformer（ViT）"
    assert week2.items[2].text == "用假数据跑通："
    assert week3.deliverable == "跑通官方/第三方 CLIP 推理，在小图像集上做零样本分类"
    assert week3.items[2].text.startswith("搞清楚 InfoNCE / 对比学习损失的基本形式")
    assert week4.title == "多模态大模型（LLaVA / Qwen-VL 等）"
    # The merged "第 5–6 周" section: one shared heading, goal and deliverable; each week gets
    # the checklist item that names it.
    assert week5.title == week6.title == "大模型微调算法（SFT / RL）"
    assert week5.goal == week6.goal
    assert week5.goal.splitlines() == [
        "懂得 SFT 是什么（监督微调）；",
        "知道 RL-based 方法（PPO/DPO/GRPO）大概在优化什么；",
        "至少按教程跑通一个开源 LLM/多模态模型的小规模微调 demo。",
    ]
    assert (
        week5.deliverable
        == week6.deliverable
        == "读 1–2 篇论文 + 按教程跑通一个简单的 SFT 或 RL 微调 demo"
    )
    assert [item.text for item in week5.items] == ["第 5 周：概念 & 论文粗读"]
    assert [item.text for item in week6.items] == ["第 6 周：动手跑一个微调 demo"]


def test_the_seed_round_trips_byte_for_byte_with_only_the_ticks_changed(seed_text: str) -> None:
    plan = parse_plan(seed_text)
    assert export_with_ticks(plan, set()) == seed_text
    ticked = {plan.items[0].index, plan.items[5].index, plan.items[-1].index}
    exported = export_with_ticks(plan, ticked)
    assert _changed_lines(seed_text, exported) == [
        ("- [ ] **Day 1–2：CNN & ResNet**", "- [x] **Day 1–2：CNN & ResNet**"),
        (
            "- [ ] 选一个简单实现（如 `vit-pytorch` 或 D2L 对应章节）：",
            "- [x] 选一个简单实现（如 `vit-pytorch` 或 D2L 对应章节）：",
        ),
        ("- [ ] **第 6 周：动手跑一个微调 demo**", "- [x] **第 6 周：动手跑一个微调 demo**"),
    ]
    assert len(exported.encode()) == len(seed_text.encode())
    again = parse_plan(exported)
    assert {item.index for item in again.items if item.checked} == ticked
    # Unticking everything gives the original back.
    assert export_with_ticks(again, set()) == seed_text


# -- variations ------------------------------------------------------------------------------

VARIANT = """\
---
title: "My plan"
tags: [a, b]
---

# Ignored title (front matter wins)

> **Background**
> - [ ] a quoted task outside any week is not part of the plan
{: .prompt-info}

| Week | Section | Theme | Deliverable |
| --- | --- | --- | --- |
| Week 1 | 2 | **Foundations** | A cheat sheet |
| Weeks 2-3 | 3 | Vision | A `ViT` demo |

## Week 1: Foundations {#w1}
{: .prompt-tip}

**Goal**: understand the basics.

- [ ] Read about CNNs
  - [x] Sub task done
    - [ ] Sub-sub task
  - a plain detail line
- [X] Upper-case tick stays

```markdown
- [ ] not a task: inside a fence
## Week 9: not a week either
```

~~~
- [ ] tilde fence task is not one
~~~

Some paragraph.

    - [ ] indented code is not a task

<!--
- [ ] commented out
-->

> - [ ] a quoted task inside the week counts

1. [ ] numbered task

## Weeks 2–3: Vision

Intro without a goal label.

### Week 2

- [ ] ViT paper

### Week 3 — CLIP

- [ ] CLIP paper
* [ ] star bullet task

Week 4 setext
-------------

+ [ ] plus bullet

## Week 1 review

- [ ] appended review task for week 1
"""


def test_variations_front_matter_tables_fences_quotes_and_nesting() -> None:
    plan = parse_plan(VARIANT)
    assert plan.title == "My plan"
    assert [week.number for week in plan.weeks] == [1, 2, 3, 4]
    week1, week2, week3, week4 = plan.weeks
    assert week1.title == "Foundations"
    assert week1.theme == "Foundations"
    assert week1.goal == "understand the basics."
    assert week1.deliverable == "A cheat sheet"
    assert [(item.text, item.depth, item.checked) for item in week1.items] == [
        ("Read about CNNs", 0, False),
        ("Sub task done", 1, True),
        ("Sub-sub task", 2, False),
        ("Upper-case tick stays", 0, True),
        ("a quoted task inside the week counts", 0, False),
        ("numbered task", 0, False),
        ("appended review task for week 1", 0, False),
    ]
    assert week1.items[0].details == ("a plain detail line",)
    # A sub-heading that names one week of the range and has a title of its own gives that
    # week its title (as `### Week 1: …` under `## Phase 1 (Weeks 1–8)`); a bare one does not.
    assert week2.title == "Vision" and week3.title == "CLIP"
    assert week2.theme == "Vision" and week3.deliverable == "A ViT demo"
    assert [item.text for item in week2.items] == ["ViT paper"]
    assert [item.text for item in week3.items] == ["CLIP paper", "star bullet task"]
    assert week4.title == "setext"
    assert [item.text for item in week4.items] == ["plus bullet"]


def test_variations_round_trip_and_keep_an_upper_case_x() -> None:
    plan = parse_plan(VARIANT)
    as_written = {item.index for item in plan.items if item.checked}
    assert export_with_ticks(plan, as_written) == VARIANT
    everything = {item.index for item in plan.items}
    exported = export_with_ticks(plan, everything)
    changed = _changed_lines(VARIANT, exported)
    assert ("- [X] Upper-case tick stays", "- [X] Upper-case tick stays") not in changed
    assert (
        "> - [ ] a quoted task inside the week counts",
        "> - [x] a quoted task inside the week counts",
    ) in changed
    assert ("1. [ ] numbered task", "1. [x] numbered task") in changed
    assert len(changed) == len(everything) - len(as_written)
    # Nothing outside the weeks' items moved: fences, comments and quotes stay as they were.
    assert "- [ ] not a task: inside a fence" in exported
    assert "    - [ ] indented code is not a task" in exported
    assert "> - [ ] a quoted task outside any week is not part of the plan" in exported


def test_crlf_line_endings_and_a_byte_order_mark_survive_the_round_trip() -> None:
    text = "\ufeff# Plan\r\n\r\n## 第一周：基础\r\n\r\n- [ ] 任务一\r\n- [ ] 任务二\r\n"
    raw = text.encode("utf-8")
    plan = parse_plan(decode_document(raw))
    assert [week.number for week in plan.weeks] == [1]
    assert plan.weeks[0].title == "基础"
    assert [item.text for item in plan.weeks[0].items] == ["任务一", "任务二"]
    exported = export_with_ticks(plan, {plan.items[1].index}).encode("utf-8")
    assert exported == raw.replace("- [ ] 任务二".encode(), "- [x] 任务二".encode())


def test_chinese_numerals_and_a_merged_section_with_sub_headings() -> None:
    text = """## 第五至六周：微调

**目标**：跑通微调。

### 第 5 周

- [ ] 读论文

### 第 6 周

- [ ] 跑 demo
  - [ ] 记录 loss
"""
    plan = parse_plan(text)
    assert [week.number for week in plan.weeks] == [5, 6]
    assert plan.weeks[0].goal == plan.weeks[1].goal == "跑通微调。"
    assert [item.text for item in plan.weeks[0].items] == ["读论文"]
    assert [(item.text, item.depth) for item in plan.weeks[1].items] == [
        ("跑 demo", 0),
        ("记录 loss", 1),
    ]


def test_a_merged_section_without_labels_puts_items_in_its_first_week() -> None:
    plan = parse_plan("## Weeks 5-6: Fine-tuning\n\n- [ ] read\n- [ ] run\n")
    assert [(week.number, len(week.items)) for week in plan.weeks] == [(5, 2), (6, 0)]


@pytest.mark.parametrize(
    "document",
    [
        "# Just notes\n\n- [ ] a task without a week\n",
        "```\n## Week 1: inside a fence\n- [ ] task\n```\n",
        "| Week | Theme |\n| --- | --- |\n| Week 1 | a table alone is no plan |\n",
        "",
    ],
)
def test_a_document_without_weeks_is_refused(document: str) -> None:
    with pytest.raises(PlanParseError) as raised:
        parse_plan(document)
    assert raised.value.key == "plan.no_weeks"


def test_documents_that_are_not_utf8_or_too_large_are_refused() -> None:
    # Refusals name what was found: the encoding it seems to be in, its size.
    with pytest.raises(PlanParseError) as raised:
        decode_document("## 第 1 周\n- [ ] 任务".encode("gb18030"))
    assert raised.value.key == "plan.not_utf8_guess"
    assert raised.value.values == {"encoding": "GBK / GB18030"}
    with pytest.raises(PlanParseError) as raised:
        decode_document(b"x" * (256 * 1024 + 1))
    assert raised.value.key == "plan.too_large_found"
    assert raised.value.values == {"size": 257, "limit": 256}


# -- the project's own plans -----------------------------------------------------------------


def _shape(plan: StudyPlan) -> list[tuple[int, int, int, tuple[int, int] | None]]:
    return [(item.index, item.week, item.depth, item.days) for item in plan.items]


def test_the_default_plans_cover_six_weeks_with_the_same_items_in_both_languages() -> None:
    chinese, english = default_plan("zh"), default_plan("en")
    assert [week.number for week in chinese.weeks] == [1, 2, 3, 4, 5, 6]
    # Ticks are stored by item index, so switching language must keep them on the same items.
    assert _shape(chinese) == _shape(english)
    for plan in (chinese, english):
        for week in plan.weeks:
            assert week.title and week.theme and week.goal and week.deliverable
            assert len(week.items) >= 4
        assert export_with_ticks(plan, set()) == plan.document
