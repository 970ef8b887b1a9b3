"""The reply to a command the bot does not have: short, with the closest one it does have."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from coach.messages import t

# How alike a typo must be to its command (difflib's ratio): /stauts → /status (0.83) and
# /plna → /plan (0.75) pass; /xyz finds nothing.
SIMILARITY_CUTOFF = 0.6
# The longest command name echoed back (Telegram's limit is 32).
MAX_ECHOED = 32


def command_name(text: str) -> str:
    """`/Stauts@SomeBot rest` → `stauts`: the command word, without the slash or bot name."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return word.lstrip("/").split("@", 1)[0].lower()


def suggest(command: str, known: Iterable[str]) -> str | None:
    """The known command closest to `command` (a name without the slash), if one is close."""
    name = command_name(command) if command.startswith("/") else command.lower()
    matches = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=SIMILARITY_CUTOFF)
    return matches[0] if matches else None


def unknown_command(language: str, text: str, known: Iterable[str]) -> str:
    """Two lines: the command is unknown (with the likeliest one meant), and where /help is."""
    name = command_name(text)[:MAX_ECHOED]
    closest = suggest(name, known)
    if closest is None:
        return t(language, "command.unknown", command=f"/{name}")
    return t(language, "command.suggest", command=f"/{name}", suggestion=f"/{closest}")
