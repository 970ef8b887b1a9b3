"""What the offline coach's buttons do: a card on the topic the learner asked about.

(The short-block button starts a block with `Coach.start_block`; nothing else is needed.)
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from coach.learners.profile import Identity
from coach.quiz.quizzer import IN_FLIGHT, QuizItem, Quizzer
from db.study_repositories import QuizRepository


async def topic_card(
    quizzer: Quizzer, session: AsyncSession, who: Identity, topic: str
) -> QuizItem | None:
    """One card on `topic`, as a round of one: an unseen one first, else the one due soonest.

    None when every card of the topic is waiting for an answer already (or the topic is
    unknown, as from an old or forged button).
    """
    state = await quizzer.planner.state(session, who)
    user_id = state.profile.user_id
    quizzes = QuizRepository(session)
    now = quizzer.clock.now()
    in_flight = {p.question_id for p in await quizzes.open_prompts(user_id, now - IN_FLIGHT)}
    questions = [q for q in quizzer.bank.questions if q.topic == topic and q.id not in in_flight]
    if not questions:
        return None
    cards = {card.question_id: card for card in await quizzes.cards(user_id)}
    # Polls first: one tap answers them, which suits a card offered mid-chat.
    unseen = sorted((q for q in questions if q.id not in cards), key=lambda q: q.kind == "explain")
    if unseen:
        return quizzer._item(state, unseen[0], None, 0, 1, is_new=True)
    soonest = min(questions, key=lambda q: cards[q.id].due)
    return quizzer._item(state, soonest, None, 0, 1, is_new=False)
