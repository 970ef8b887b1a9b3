"""Which plain messages may become a block's recap.

After a block ends the coach asks for a short recap, and the learner's next plain message
is saved as it, but only if it looks like one:

- it arrives within `RECAP_WINDOW` (2 hours) of the block's end: the seed plan's recap is
  written right after the block, so a message hours later is something else;
- it is not a command (`/…`);
- it is not a question: it ends in "?" or "？", or it is one line that opens with a question
  word (什么, 怎么, 为什么, 如何, 请问, …; what, why, how, can, does, …) and has no colon
  (a recap line such as "为什么要温度系数：控制分布" answers its own question).

Anything else goes to the coach (a question gets an answer), and the recap is still awaited;
`/recap text` sets or replaces the latest block's recap at any time.
"""

from __future__ import annotations

import re
from datetime import timedelta

RECAP_WINDOW = timedelta(hours=2)

_ZH_OPENERS = (
    "什么",
    "怎么",
    "怎样",
    "为什么",
    "为啥",
    "为何",
    "如何",
    "哪",
    "谁",
    "是否",
    "是不是",
    "能不能",
    "能否",
    "可不可以",
    "可以吗",
    "有没有",
    "请问",
    "啥",
)
# English questions open with a wh-word, or with an auxiliary and then who is asked about
# ("Can you explain…", "Is it…"): "Did the derivation", "Was stuck on masks" are recaps.
_EN_WH = frozenset(["what", "why", "how", "when", "where", "which", "who", "whom", "whose"])
_EN_AUXILIARIES = frozenset(
    [
        "is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "should",
        "would", "will", "shall", "may", "might", "isn't", "aren't", "doesn't", "don't",
        "didn't", "can't", "won't",
    ]
)  # fmt: skip
_EN_SUBJECTS = frozenset(
    ["i", "you", "we", "it", "this", "that", "these", "those", "they", "he", "she", "there"]
)
_FIRST_WORD = re.compile(r"[A-Za-z']+")


def is_command(text: str) -> bool:
    """A message that starts like a bot command."""
    return text.lstrip().startswith("/")


def is_question(text: str) -> bool:
    """Whether the message asks something rather than recaps (see the module's rules)."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith(("?", "？")):
        return True
    if "\n" in stripped or ":" in stripped or "：" in stripped:
        return False
    if stripped.startswith(_ZH_OPENERS):
        return True
    if stripped.endswith(("吗", "吗。", "呢", "呢。")):
        return True
    words = [word.lower() for word in _FIRST_WORD.findall(stripped)[:2]]
    if not words:
        return False
    if words[0] in _EN_WH:
        return True
    return words[0] in _EN_AUXILIARIES and len(words) > 1 and words[1] in _EN_SUBJECTS


def may_be_recap(text: str) -> bool:
    """Whether a plain message awaited as a recap may be saved as one."""
    return bool(text.strip()) and not is_command(text) and not is_question(text)
