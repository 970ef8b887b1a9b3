"""The quizzes' replies in the learner's language."""

from __future__ import annotations

from datetime import datetime

from coach.blocks.render import local_time
from coach.learners.profile import Profile
from coach.messages import t
from coach.quiz.quizzer import ExplainReviewed, NothingToQuiz, QuizItem, QuizStats, RoundSummary
from coach.quiz.topics import TOPICS


def explain_prompt(item: QuizItem) -> str:
    """The message that asks an explain-in-your-own-words question."""
    topic = TOPICS[item.question.topic].name(item.language)
    text = item.question.text(item.language).question
    return t(item.language, "quiz.explain_prompt", topic=topic, question=text)


def nothing_to_quiz(outcome: NothingToQuiz, now: datetime) -> str:
    """`/quiz` with nothing due and no new question left."""
    profile = outcome.profile
    if outcome.next_due is None:
        return t(profile.language, "quiz.nothing_at_all")
    return t(profile.language, "quiz.nothing_due", when=local_time(profile, outcome.next_due, now))


def round_summary(profile: Profile, summary: RoundSummary, now: datetime) -> str:
    """The end of a round: how it went and when the next review is."""
    language = profile.language
    lines = [t(language, "quiz.round_done", correct=summary.correct, answered=summary.answered)]
    if summary.due_now:
        lines.append(t(language, "quiz.due_more", count=summary.due_now))
    elif summary.next_due is not None:
        lines.append(t(language, "quiz.next_due", when=local_time(profile, summary.next_due, now)))
    return "\n".join(lines)


def graded(outcome: ExplainReviewed, now: datetime) -> str:
    """Feedback on a free-text answer: the grade, who graded it, the reference answer."""
    language, grade = outcome.language, outcome.grade
    if grade.grader == "llm":
        head = t(
            language, "quiz.graded_llm", score=round(grade.score * 100), feedback=grade.feedback
        )
    else:
        head = t(
            language,
            "quiz.graded_offline",
            hit=sum(grade.covered),
            points=len(grade.covered),
            feedback=grade.feedback,
        )
    lines = [head]
    if grade.fallback:
        lines.append(t(language, f"tutor.grade_fallback_{grade.fallback}"))
    reference = outcome.question.text(language).model_answer
    lines.append("")
    lines.append(t(language, "quiz.reference", answer=reference))
    lines.append(
        t(language, "quiz.next_review", when=local_time(outcome.profile, outcome.due, now))
    )
    if outcome.summary is not None:
        lines.append("")
        lines.append(round_summary(outcome.profile, outcome.summary, now))
    return "\n".join(lines)


def stats(report: QuizStats, now: datetime) -> str:
    """`/quiz stats`: accuracy per topic, cards learned, what is due."""
    language = report.profile.language
    if not report.answered:
        lines = [t(language, "quiz.stats_empty")]
    else:
        lines = [
            t(
                language,
                "quiz.stats_header",
                answered=report.answered,
                correct=report.correct,
                accuracy=_percent(report.correct, report.answered),
            )
        ]
        for topic in report.topics:
            name = TOPICS[topic.topic].name(language)
            if topic.answered:
                lines.append(
                    t(
                        language,
                        "quiz.stats_topic",
                        topic=name,
                        correct=topic.correct,
                        answered=topic.answered,
                        accuracy=_percent(topic.correct, topic.answered),
                        cards=topic.cards,
                        questions=topic.questions,
                    )
                )
            else:
                lines.append(
                    t(language, "quiz.stats_topic_new", topic=name, questions=topic.questions)
                )
    lines.append(t(language, "quiz.stats_due", count=report.due_now))
    if report.next_due is not None:
        lines.append(
            t(language, "quiz.stats_next", when=local_time(report.profile, report.next_due, now))
        )
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"
