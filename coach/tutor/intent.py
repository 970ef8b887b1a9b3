"""What a plain message to the coach asks for, by keywords in Chinese and English.

Only the offline coach needs this; with an LLM the model reads the message itself. The order
matters: "我好累，不想学 attention" is about not wanting to study, not about attention.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Intent = Literal["unwilling", "progress", "concept", "chat"]

_UNWILLING = re.compile(
    r"不想学|不想看|不想做|不想动|不想开始|学不动|学不进|看不进|没动力|没有动力|提不起|"
    r"好累|很累|太累|累了|有点累|累死|疲惫|好困|犯困|拖延|摆烂|不想干|烦死|坚持不下去|"
    r"don'?t (?:feel like|want to)|do not (?:feel like|want to)|not in the mood|"
    r"\btired\b|exhausted|\bunmotivated\b|no motivation|can'?t (?:focus|concentrate)|"
    r"procrastinat|\blazy\b|burn(?:ed|t)? ?out|give up|skip (?:today|studying)"
)
_PROGRESS = re.compile(
    r"进度|进展|完成了多少|做了多少|学了多少|学得怎么样|做得怎么样|还差多少|连续几天|打卡|"
    r"progress|how am i doing|how'?m i doing|how far|\bstatus\b|\bstreak\b|on track|"
    r"how many blocks|what have i done"
)
_QUESTION = re.compile(
    r"[?？]|什么|为什么|为啥|怎么|怎样|如何|原理|解释|讲讲|是啥|区别|"
    r"\b(?:what|why|how|explain|difference|meaning|define)\b"
)


def normalize(text: str) -> str:
    """Lower case, full-width folded (？ stays: it is a question mark either way)."""
    return unicodedata.normalize("NFKC", text).lower().replace("’", "'")


def recognise(text: str) -> Intent:
    """The message's intent; `concept` only says it is phrased as a question.

    Whether a question is about a concept the coach knows is the retrieval's to say: the
    caller treats a question that finds nothing as chat.
    """
    folded = normalize(text)
    if _UNWILLING.search(folded):
        return "unwilling"
    if _PROGRESS.search(folded):
        return "progress"
    if _QUESTION.search(folded):
        return "concept"
    return "chat"
