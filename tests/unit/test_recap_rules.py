"""Which plain messages may become a block's recap (zh and en)."""

from __future__ import annotations

import pytest

from coach.blocks.recaps import is_command, is_question, may_be_recap


@pytest.mark.parametrize(
    "text",
    [
        "InfoNCE 到底怎么算？",
        "why divide by sqrt(d_k)?",
        "为什么要除以根号 d_k",
        "怎么理解 causal mask",
        "请问 LoRA 的秩怎么选",
        "温度系数是干什么的吗",
        "How does the KV cache work",
        "Can you explain InfoNCE",
        "what is a residual connection",
        "Is it the temperature that sharpens it",
    ],
)
def test_questions_are_never_recaps(text: str) -> None:
    assert is_question(text)
    assert not may_be_recap(text)


@pytest.mark.parametrize(
    "text",
    [
        "Q·Kᵀ/√d_k\nsoftmax over keys\nV weighted sum",
        "InfoNCE：正样本在分母里，温度控制尖锐程度",
        "为什么要温度系数：控制分布的尖锐程度",
        "mask 那里还有点晕",
        "residual connections, layer norm, attention",
        "卷积 + 池化",
        "Did the backprop derivation by hand",
        "Was stuck on masking, then got it",
        "Can now explain InfoNCE in three lines",
    ],
)
def test_recaps_are_recaps(text: str) -> None:
    assert not is_question(text)
    assert may_be_recap(text)


def test_commands_and_empty_messages_are_not_recaps() -> None:
    assert is_command("/stauts") and not may_be_recap("/stauts")
    assert not may_be_recap("   ")
