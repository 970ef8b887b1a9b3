"""Spaced repetition with FSRS (the `fsrs` package, as in Anki): ratings and card updates.

FSRS works in UTC; every instant here is timezone-aware UTC, as the coach's clock gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from fsrs import Card, Rating, Scheduler, State

# A right answer this fast was easy; within GOOD_WITHIN it took normal thought; slower was hard.
EASY_WITHIN = timedelta(seconds=12)
GOOD_WITHIN = timedelta(seconds=45)
# Beyond this the learner most likely opened the quiz later rather than thought for so long,
# so the time says nothing about difficulty and a right answer counts as Good.
THINKING_LIMIT = timedelta(minutes=10)
# A free-text answer covering this share of the rubric is Good, this share Hard, less Again.
GOOD_SCORE = 0.75
HARD_SCORE = 0.4
# A free-text answer with at least this score counts as correct in accuracy figures.
PASS_SCORE = 0.6


def rating_for_choice(correct: bool, latency: timedelta) -> Rating:
    """FSRS rating of a quiz poll answer from its correctness and how long it took."""
    if not correct:
        return Rating.Again
    if latency <= EASY_WITHIN:
        return Rating.Easy
    if latency <= GOOD_WITHIN or latency > THINKING_LIMIT:
        return Rating.Good
    return Rating.Hard


def rating_for_score(score: float) -> Rating:
    """FSRS rating of a graded free-text answer (score 0..1)."""
    if score >= GOOD_SCORE:
        return Rating.Good
    if score >= HARD_SCORE:
        return Rating.Hard
    return Rating.Again


@dataclass(frozen=True)
class Reviewed:
    """A card after one review."""

    state: dict[str, Any]
    due: datetime
    lapse: bool  # a card the learner knew was forgotten


class SpacedRepetition:
    """Reviews cards with an FSRS scheduler."""

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler or Scheduler()

    def review(self, state: dict[str, Any] | None, rating: Rating, now: datetime) -> Reviewed:
        """Apply one review at `now` to a card (a new card when `state` is None)."""
        # A fixed card id: fsrs would otherwise derive one from the wall clock and sleep 1 ms.
        card = Card.from_dict(cast(Any, state)) if state else Card(card_id=1, due=now)
        was_review = card.state == State.Review
        updated, _log = self.scheduler.review_card(card, rating, review_datetime=now)
        return Reviewed(
            state=dict(updated.to_dict()),
            due=updated.due,
            lapse=was_review and rating == Rating.Again,
        )
