"""Timed work run by python-telegram-bot's JobQueue; what is due always lives in the database."""
