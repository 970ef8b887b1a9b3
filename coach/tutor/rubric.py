"""Offline grading of free-text answers: a rubric point counts when one of its keywords shows."""

from __future__ import annotations

import unicodedata

from coach.quiz.bank import Question


def normalize(text: str) -> str:
    """Lower-case, full-width characters folded (ｑｋ → qk), whitespace squeezed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def covered_points(question: Question, answer: str) -> tuple[bool, ...]:
    """Which rubric points the answer makes, by keyword."""
    spaced = normalize(answer)
    compact = spaced.replace(" ", "")
    return tuple(
        any(keyword in spaced or keyword.replace(" ", "") in compact for keyword in point.keywords)
        for point in question.rubric
    )


def keyword_score(question: Question, answer: str) -> tuple[float, tuple[bool, ...]]:
    """The share of rubric points covered, and which ones."""
    covered = covered_points(question, answer)
    return (sum(covered) / len(covered) if covered else 0.0), covered
