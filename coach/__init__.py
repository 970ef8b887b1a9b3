"""Domain logic of Study Coach: blocks, rewards, notes, streaks, messages (no Telegram)."""
