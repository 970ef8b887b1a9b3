"""Quizzes: the question bank, native Telegram quiz polls and FSRS spaced repetition."""
