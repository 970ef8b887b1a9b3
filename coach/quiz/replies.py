"""A quiz question as a reply: a native quiz poll, or a prompt for a free-text answer.

The prompt is recorded only once Telegram accepted it (the poll id exists only then), so the
reply carries a receipt that `Quizzer.record_receipt` turns into the stored prompt.
"""

from __future__ import annotations

from coach.quiz.quizzer import QuizItem
from coach.quiz.render import explain_prompt
from coach.replies import QuizPoll, Receipt, Reply

RECEIPT_KIND = "quiz"


def item_reply(item: QuizItem) -> Reply:
    """The question of `item`, with the receipt that records it once sent."""
    receipt = Receipt(
        RECEIPT_KIND,
        {
            "user_id": item.profile.user_id,
            "question_id": item.question.id,
            "kind": item.question.kind,
            "language": item.language,
            "correct_option_ids": list(item.correct_option_ids),
            "option_order": list(item.option_order),
            "round_id": item.round_id,
            "round_left": item.round_left,
        },
    )
    text = item.question.text(item.language)
    if item.question.kind == "choice":
        poll = QuizPoll(
            question=text.question,
            options=item.options,
            correct_option_ids=item.correct_option_ids,
            explanation=text.explanation,
        )
        return Reply(poll=poll, receipt=receipt)
    return Reply(explain_prompt(item), receipt=receipt)
