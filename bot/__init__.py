"""The Telegram side of Study Coach: python-telegram-bot handlers, thin by design."""
