"""The weekly 小结 as the learner's plan writes it: its language and its headings.

The seed plan closes each week with

    ## Week 1 小结
    - 完成了：…
    - 仍然困惑：…
    - 下周想补充：…

A plan that shows such a template (a "Week N 小结/总结/Summary/Review/Retro" heading followed
by three labelled bullets, in a fenced example or not) gives its own heading word and labels;
otherwise the plan's language gives them: the seed's Chinese ones, or "Summary" / Done /
Still confused / Next week for a plan written in English. The language is the plan's, not
the learner's interface's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s*(#{1,6})\s*Week\s+\d+\s+(?P<word>[^\s:：]\S{0,20})\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*[-*+]\s+(?P<label>[^\[:：][^:：]{0,23}?)\s*[:：]")
# Heading words of a summary template (a week's own heading, "Week 2 Transformer", is not one).
_SUMMARY_WORDS = frozenset(
    ("小结", "总结", "复盘", "回顾", "summary", "review", "retro", "retrospective", "recap")
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# A plan is Chinese when this share of its letters is Chinese (English terms abound in both).
CJK_SHARE = 0.15


@dataclass(frozen=True)
class SummaryFormat:
    """How the plan's weekly summary is written."""

    language: str
    level: str  # the heading's "##"
    word: str  # "小结", "Summary"
    done: str
    confused: str
    upcoming: str

    @property
    def colon(self) -> str:
        """The colon after a label, as the plan's language writes it."""
        return "：" if self.language == "zh" else ": "

    def heading(self, week: int) -> str:
        """`## Week 3 小结`."""
        return f"{self.level} Week {week} {self.word}"


ZH = SummaryFormat("zh", "##", "小结", "完成了", "仍然困惑", "下周想补充")
EN = SummaryFormat("en", "##", "Summary", "Done", "Still confused", "Next week")


def plan_language(document: str) -> str:
    """ "zh" for a plan written mostly in Chinese, else "en"."""
    cjk = len(_CJK.findall(document))
    latin = len(_LATIN.findall(document))
    if cjk and cjk / (cjk + latin) >= CJK_SHARE:
        return "zh"
    return "en"


def summary_format(document: str) -> SummaryFormat:
    """The plan's own weekly-summary template, else its language's default."""
    language = plan_language(document)
    default = ZH if language == "zh" else EN
    lines = document.splitlines()
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is None or heading.group("word").lower() not in _SUMMARY_WORDS:
            continue
        labels = []
        for following in lines[index + 1 : index + 4]:
            label = _LABEL.match(following)
            if label is None:
                break
            labels.append(label.group("label").strip())
        if len(labels) == 3:
            done, confused, upcoming = labels
            return SummaryFormat(
                language, heading.group(1), heading.group("word"), done, confused, upcoming
            )
    return default
