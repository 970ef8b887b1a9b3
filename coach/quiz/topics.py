"""The quiz topics, the plan week each belongs to, and the words that find them in any plan."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A quiz topic: its display names and where it sits in the Stage 1 plan."""

    key: str
    week: int  # the default plan's week that teaches it
    zh: str
    en: str
    # Lower-case words that show a plan week covers the topic (its heading, theme or goal).
    keywords: tuple[str, ...]

    def name(self, language: str) -> str:
        """The topic's name in `language`."""
        return self.en if language == "en" else self.zh


TOPICS: dict[str, Topic] = {
    topic.key: topic
    for topic in (
        Topic("cnn", 1, "CNN", "CNN", ("cnn", "卷积", "convolution")),
        Topic("resnet", 1, "ResNet", "ResNet", ("resnet", "残差", "residual")),
        Topic("rnn", 1, "RNN / LSTM", "RNN / LSTM", ("rnn", "lstm", "循环神经")),
        Topic(
            "attention",
            1,
            "自注意力",
            "Self-attention",
            ("transformer", "attention", "注意力", "q, k, v", "qkv"),
        ),
        Topic("vit", 2, "ViT", "ViT", ("vit", "vision transformer", "patch")),
        Topic(
            "clip",
            3,
            "CLIP / InfoNCE",
            "CLIP / InfoNCE",
            ("clip", "infonce", "对比学习", "contrastive", "图文对齐"),
        ),
        Topic(
            "mllm",
            4,
            "多模态大模型",
            "Multimodal LLMs",
            ("llava", "qwen-vl", "多模态大模型", "multimodal llm", "minicpm", "projector"),
        ),
        Topic("sft", 5, "SFT", "SFT", ("sft", "监督微调", "lora", "supervised fine")),
        Topic("ppo", 5, "PPO", "PPO", ("ppo", "rlhf")),
        Topic("dpo", 5, "DPO", "DPO", ("dpo",)),
        Topic("grpo", 5, "GRPO", "GRPO", ("grpo",)),
    )
}


def topics_for_week(number: int, text: str) -> list[str]:
    """The topics a plan week covers, the week's own ones first.

    `text` is what the plan says about the week (heading, theme, goal). A learner's own plan
    may order things differently from the default one, so words decide; a week whose text
    names no topic falls back to the topics the default plan teaches in that week.
    """
    lowered = text.lower()
    named = [key for key, topic in TOPICS.items() if any(k in lowered for k in topic.keywords)]
    if not named:
        fallback_week = 5 if number >= 5 else number
        return [key for key, topic in TOPICS.items() if topic.week == fallback_week]
    return sorted(named, key=lambda key: (TOPICS[key].week != number, TOPICS[key].week))
