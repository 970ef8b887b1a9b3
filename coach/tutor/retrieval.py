"""Finding what the learner's plan and the question bank say about a message (BM25).

Ranking is rank-bm25's Okapi BM25. Text is cut into terms by `tokenize`: Latin words and
numbers as words, Chinese (and other CJK) runs as overlapping character bigrams. Bigrams need
no dictionary. jieba segments better, but it comes as a 19 MB source package (0.42.1, from
2020), and its first use took 2.3 s and 77 MiB of resident memory here, while issue 14 asks
for a bot under 100 MiB in all. For short questions against a few hundred passages, bigrams
find the same passages: a word of two or more characters always yields its bigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from coach.plan.parser import StudyPlan
from coach.quiz.bank import Question, QuestionBank
from coach.quiz.topics import TOPICS

if TYPE_CHECKING:
    from rank_bm25 import BM25Okapi

# A Latin word, a number, or a run of CJK ideographs (kana and hangul too).
_TERMS = re.compile(
    r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Words that say nothing about a topic; left out so a question's "how does … work" does not
# match every passage that says "how".
# fmt: off
_STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "did", "for", "from",
    "how", "i", "in", "is", "it", "me", "my", "of", "on", "or", "so", "that", "the", "this",
    "to", "what", "whats", "when", "where", "which", "who", "why", "with", "work", "works",
    "you", "your", "about", "explain", "mean", "means", "tell",
))
# fmt: on
# Chinese question and function words, cut out before bigrams are made ("InfoNCE 是什么"
# should not match every line that asks 是什么).
_CJK_FILLER = re.compile(
    r"是什么|什么是|为什么|为啥|怎么样|怎么|怎样|如何|请问|一下|讲讲|解释|能不能|可以|"
    r"到底|是不是|有没有|[吗呢吧啊呀嘛的了是我你他她它在和与及或就都也还很么]"
)
_EMPHASIS = re.compile(r"\*\*|__|`")
_MARKUP = re.compile(r"[*>#|]+|\{:[^}]*\}")
MAX_PASSAGE = 240


def tokenize(text: str) -> list[str]:
    """Terms of `text`: lower-case Latin words, CJK character bigrams (a lone character alone)."""
    terms: list[str] = []
    folded = _CJK_FILLER.sub(" ", unicodedata.normalize("NFKC", text).lower())
    for run in _TERMS.findall(folded):
        if _CJK.match(run):
            if len(run) == 1:
                terms.append(run)
            else:
                terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif len(run) > 1 and run not in _STOP_WORDS:
            terms.append(run)
    return terms


@dataclass(frozen=True)
class PlanPassage:
    """A piece of the plan: a checklist item (with its details) or a paragraph."""

    text: str  # what it is found by
    label: str  # what the learner is shown: an item's own line, without its details
    week: int | None  # the plan week it belongs to, if any
    week_title: str
    item_number: int | None  # 1-based place in its week's checklist, for checklist items


@dataclass(frozen=True)
class PlanHit:
    """A plan passage and how well it matched."""

    passage: PlanPassage
    score: float


@dataclass(frozen=True)
class CardHit:
    """A question of the bank and how well it matched."""

    question: Question
    score: float


class _Index:
    """BM25 over a list of documents; scores for a query, best first."""

    def __init__(self, documents: Sequence[str]) -> None:
        # Imported on first use: numpy comes with it, and most messages never get here.
        from rank_bm25 import BM25Okapi

        corpus = [tokenize(document) or ["\u2205"] for document in documents]
        self._bm25: BM25Okapi | None = BM25Okapi(corpus) if corpus else None

    def ranked(self, query: str) -> list[tuple[int, float]]:
        terms = tokenize(query)
        if self._bm25 is None or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        found = [(index, float(score)) for index, score in enumerate(scores) if score > 0]
        return sorted(found, key=lambda pair: -pair[1])


class PlanLibrary:
    """The plan's passages, searchable."""

    def __init__(self, plan: StudyPlan) -> None:
        self.passages = plan_passages(plan)
        self._index = _Index([p.text for p in self.passages])

    def search(self, query: str, limit: int = 3, *, items_only: bool = False) -> list[PlanHit]:
        """The best-matching passages (checklist items only, if asked)."""
        hits = [PlanHit(self.passages[index], score) for index, score in self._index.ranked(query)]
        if items_only:
            hits = [hit for hit in hits if hit.passage.item_number is not None]
        return hits[:limit]


class BankLibrary:
    """The question bank in one language, searchable."""

    def __init__(self, bank: QuestionBank, language: str) -> None:
        self.questions = bank.questions
        self._index = _Index([card_text(question, language) for question in self.questions])

    def search(self, query: str, limit: int = 3) -> list[CardHit]:
        """The best-matching questions."""
        ranked = self._index.ranked(query)[:limit]
        return [CardHit(self.questions[index], score) for index, score in ranked]


def card_text(question: Question, language: str) -> str:
    """What a question is found by: its topic's names and words, question, and explanation."""
    text = question.text(language)
    topic = TOPICS[question.topic]
    # The question counts twice: it says what the card is about, the explanation how.
    parts = (topic.zh, topic.en, *topic.keywords, text.question, text.question)
    return " ".join((*parts, text.explanation, text.model_answer))


def plan_passages(plan: StudyPlan) -> list[PlanPassage]:
    """Each week's heading, each checklist item with its details, then every other line."""
    lines = plan.document.splitlines()
    titles = {week.number: week.title or week.theme for week in plan.weeks}
    passages: list[PlanPassage] = []
    item_lines: set[int] = set()
    for week in plan.weeks:
        heading = _clip(" ".join(filter(None, (week.title, week.theme, week.goal))))
        passages.append(
            PlanPassage(
                heading,
                heading,
                week.number,
                titles[week.number],
                None,
            )
        )
        for number, item in enumerate(week.items, 1):
            item_lines.add(item.line)
            passages.append(
                PlanPassage(
                    _clip(" ".join((item.text, *item.details))),
                    _clip(item.text),
                    week.number,
                    titles[week.number],
                    number,
                )
            )
    # Every other line on its own: rules and advice live there, and a line quotes cleanly.
    for number, line in enumerate(lines):
        text = _MARKUP.sub(" ", _EMPHASIS.sub("", line)).strip(" -+\t")
        if number not in item_lines and len(text) > 1:
            passages.append(PlanPassage(_clip(text), _clip(text), None, "", None))
    return passages


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_PASSAGE else text[: MAX_PASSAGE - 1] + "…"


@lru_cache(maxsize=64)
def plan_library(plan: StudyPlan) -> PlanLibrary:
    """The library of a plan, built once per plan (plans are immutable)."""
    return PlanLibrary(plan)


@lru_cache(maxsize=4)
def bank_library(bank: QuestionBank, language: str) -> BankLibrary:
    """The library of the bank in `language`, built once."""
    return BankLibrary(bank, language)
