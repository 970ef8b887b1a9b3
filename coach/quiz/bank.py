"""The question bank: loaded from the package's TOML files and validated once at start-up.

Telegram refuses a quiz whose question, options or explanation are too long, so every limit
is checked here, with every problem listed, before the bot ever tries to send one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from coach.quiz.topics import TOPICS

Kind = Literal["choice", "explain"]
LANGUAGES = ("zh", "en")
BANK_FILES = ("bank_choice_1.toml", "bank_choice_2.toml", "bank_explain.toml")

# Bot API limits for sendPoll (characters are counted in UTF-16 code units).
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MIN_OPTIONS, MAX_OPTIONS = 2, 10
# An explain question is a plain message; keep it short enough to read at a glance.
MAX_EXPLAIN_TEXT = 1000

_QUESTION_KEYS = {"id", "topic", "kind", "answer", "check", "options", "zh", "en", "rubric"}
_TEXT_KEYS = {"question", "options", "explanation", "model_answer"}
_RUBRIC_KEYS = {"zh", "en", "keywords"}


class BankError(ValueError):
    """The bank has problems; the message lists all of them."""


@dataclass(frozen=True)
class QuestionText:
    """A question in one language."""

    question: str
    options: tuple[str, ...] = ()
    explanation: str = ""
    model_answer: str = ""


@dataclass(frozen=True)
class RubricPoint:
    """One point a free-text answer should make, and the words that show it was made."""

    zh: str
    en: str
    keywords: tuple[str, ...]

    def text(self, language: str) -> str:
        """The point in `language`."""
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class Question:
    """A multiple-choice quiz question or an explain-in-your-own-words question."""

    id: str
    topic: str
    kind: Kind
    texts: dict[str, QuestionText]
    answer: int = 0  # the correct option, 0-based, in the bank's order (choice questions)
    check: str | None = None  # a torch computation the tests run against the answer
    rubric: tuple[RubricPoint, ...] = ()

    def text(self, language: str) -> QuestionText:
        """The question in `language` (English or Chinese)."""
        return self.texts["en" if language == "en" else "zh"]

    @property
    def week(self) -> int:
        """The default plan's week that teaches this question's topic."""
        return TOPICS[self.topic].week


class QuestionBank:
    """Every question, by id and in bank order."""

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = tuple(questions)
        self._by_id = {question.id: question for question in self.questions}

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question | None:
        """The question with this id, if the bank (still) has it."""
        return self._by_id.get(question_id)

    def of_kind(self, kind: Kind) -> list[Question]:
        """Questions of one kind, in bank order."""
        return [question for question in self.questions if question.kind == kind]


def utf16_length(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def load_bank(paths: Iterable[Path] | None = None) -> QuestionBank:
    """Load and validate the bank (the package's files unless `paths` are given)."""
    raw: list[tuple[str, dict[str, Any]]] = []
    if paths is None:
        folder = resources.files("coach.quiz")
        sources = [(name, folder.joinpath(name).read_text("utf-8")) for name in BANK_FILES]
    else:
        sources = [(path.name, path.read_text("utf-8")) for path in paths]
    problems: list[str] = []
    for name, text in sources:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{name}: not valid TOML: {error}")
            continue
        raw.extend((name, entry) for entry in document.get("question", []))
    questions: list[Question] = []
    seen: set[str] = set()
    for name, entry in raw:
        where = f"{name}: {entry.get('id', '<no id>')}"
        question, errors = _question(entry)
        problems.extend(f"{where}: {error}" for error in errors)
        if question is not None:
            if question.id in seen:
                problems.append(f"{where}: the id is used twice")
            seen.add(question.id)
            questions.append(question)
    if problems:
        raise BankError("the quiz bank has problems:\n" + "\n".join(problems))
    return QuestionBank(questions)


def _question(entry: dict[str, Any]) -> tuple[Question | None, list[str]]:
    errors = [f"unknown key {key!r}" for key in sorted(set(entry) - _QUESTION_KEYS)]
    question_id, topic = entry.get("id"), entry.get("topic")
    kind = entry.get("kind", "choice")
    if not isinstance(question_id, str) or not question_id or len(question_id) > 64:
        return None, [*errors, "id must be a string of 1-64 characters"]
    if topic not in TOPICS:
        errors.append(f"unknown topic {topic!r}; known: {sorted(TOPICS)}")
    if kind not in ("choice", "explain"):
        return None, [*errors, f"kind must be 'choice' or 'explain', not {kind!r}"]
    texts: dict[str, QuestionText] = {}
    for language in LANGUAGES:
        part = entry.get(language)
        if not isinstance(part, dict):
            errors.append(f"no [{language}] text")
            continue
        errors.extend(f"{language}: unknown key {k!r}" for k in sorted(set(part) - _TEXT_KEYS))
        texts[language] = QuestionText(
            question=str(part.get("question", "")),
            options=tuple(str(o) for o in part.get("options", entry.get("options", ()))),
            explanation=str(part.get("explanation", "")),
            model_answer=str(part.get("model_answer", "")),
        )
    if kind == "choice":
        errors.extend(_check_choice(entry, texts))
        rubric: tuple[RubricPoint, ...] = ()
    else:
        rubric, rubric_errors = _rubric(entry.get("rubric"))
        errors.extend(rubric_errors)
        errors.extend(_check_explain(texts))
    if errors:
        return None, errors
    return (
        Question(
            id=question_id,
            topic=str(topic),
            kind=kind,
            texts=texts,
            answer=int(entry.get("answer", 0)),
            check=entry.get("check"),
            rubric=rubric,
        ),
        [],
    )


def _check_choice(entry: dict[str, Any], texts: dict[str, QuestionText]) -> list[str]:
    errors: list[str] = []
    answer = entry.get("answer")
    counts = {len(text.options) for text in texts.values()}
    if len(counts) > 1:
        errors.append("the languages have different numbers of options")
    for language, text in texts.items():
        if not 1 <= utf16_length(text.question) <= MAX_QUESTION:
            errors.append(f"{language}: question must be 1-{MAX_QUESTION} characters")
        if not MIN_OPTIONS <= len(text.options) <= MAX_OPTIONS:
            errors.append(f"{language}: {MIN_OPTIONS}-{MAX_OPTIONS} options needed")
        if len(set(text.options)) != len(text.options):
            errors.append(f"{language}: options repeat")
        for option in text.options:
            if not 1 <= utf16_length(option) <= MAX_OPTION:
                errors.append(f"{language}: option {option!r} must be 1-{MAX_OPTION} characters")
        if not 1 <= utf16_length(text.explanation) <= MAX_EXPLANATION:
            errors.append(f"{language}: explanation must be 1-{MAX_EXPLANATION} characters")
        if text.explanation.count("\n") > MAX_EXPLANATION_LINE_FEEDS:
            errors.append(f"{language}: explanation has more than 2 line feeds")
        if text.model_answer:
            errors.append(f"{language}: model_answer belongs to explain questions")
    if not isinstance(answer, int) or isinstance(answer, bool):
        errors.append("answer must be the 0-based index of the correct option")
    elif counts and not 0 <= answer < min(counts):
        errors.append(f"answer {answer} is not an option index")
    check = entry.get("check")
    if check is not None and (not isinstance(check, str) or not check.isidentifier()):
        errors.append("check must name a computation (an identifier)")
    if "rubric" in entry:
        errors.append("rubric belongs to explain questions")
    return errors


def _check_explain(texts: dict[str, QuestionText]) -> list[str]:
    errors: list[str] = []
    for language, text in texts.items():
        if not 1 <= len(text.question) <= MAX_EXPLAIN_TEXT:
            errors.append(f"{language}: question must be 1-{MAX_EXPLAIN_TEXT} characters")
        if not 1 <= len(text.model_answer) <= MAX_EXPLAIN_TEXT:
            errors.append(f"{language}: model_answer must be 1-{MAX_EXPLAIN_TEXT} characters")
        if text.options or text.explanation:
            errors.append(f"{language}: options and explanation belong to choice questions")
    return errors


def _rubric(raw: Any) -> tuple[tuple[RubricPoint, ...], list[str]]:
    if not isinstance(raw, list) or len(raw) < 2:
        return (), ["an explain question needs a rubric of at least 2 points"]
    points: list[RubricPoint] = []
    errors: list[str] = []
    for number, point in enumerate(raw, 1):
        if not isinstance(point, dict):
            errors.append(f"rubric point {number} must be a table")
            continue
        errors.extend(
            f"rubric {number}: unknown key {k!r}" for k in sorted(set(point) - _RUBRIC_KEYS)
        )
        keywords = point.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            errors.append(f"rubric point {number} needs keywords")
            continue
        if any(not isinstance(k, str) or not k.strip() or k != k.lower() for k in keywords):
            errors.append(f"rubric point {number}: keywords must be non-empty lower-case strings")
            continue
        if not point.get("zh") or not point.get("en"):
            errors.append(f"rubric point {number} needs zh and en")
            continue
        points.append(RubricPoint(str(point["zh"]), str(point["en"]), tuple(keywords)))
    return tuple(points), errors
