"""FSRS ratings from correctness and answer time, and card scheduling in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from coach.quiz.srs import SpacedRepetition, rating_for_choice, rating_for_score

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("correct", "seconds", "rating"),
    [
        (False, 3, Rating.Again),
        (False, 3000, Rating.Again),
        (True, 5, Rating.Easy),
        (True, 12, Rating.Easy),
        (True, 30, Rating.Good),
        (True, 120, Rating.Hard),
        # Answered an hour later: the time says nothing about how hard it was.
        (True, 3600, Rating.Good),
    ],
)
def test_a_poll_answer_is_rated_from_correctness_and_time(
    correct: bool, seconds: int, rating: Rating
) -> None:
    assert rating_for_choice(correct, timedelta(seconds=seconds)) == rating


def test_a_free_text_answer_is_rated_from_its_score() -> None:
    assert rating_for_score(1.0) == Rating.Good
    assert rating_for_score(0.5) == Rating.Hard
    assert rating_for_score(0.2) == Rating.Again


def test_reviews_space_out_and_a_lapse_brings_the_card_back_soon() -> None:
    srs = SpacedRepetition()
    first = srs.review(None, Rating.Good, NOW)
    assert first.due.tzinfo is not None and first.due.utcoffset() == timedelta(0)
    assert NOW < first.due <= NOW + timedelta(hours=1)  # still learning: minutes, not days
    second = srs.review(first.state, Rating.Good, first.due)
    third = srs.review(second.state, Rating.Good, second.due)
    assert (third.due - second.due) > (second.due - first.due) >= timedelta(days=1)
    lapse = srs.review(third.state, Rating.Again, third.due)
    assert lapse.lapse
    assert lapse.due - third.due < timedelta(hours=1)


def test_an_easy_first_answer_is_due_later_than_a_wrong_one() -> None:
    srs = SpacedRepetition()
    assert srs.review(None, Rating.Easy, NOW).due > srs.review(None, Rating.Again, NOW).due
