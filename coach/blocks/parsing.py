"""Parsing of command arguments into plain values; errors carry the message key to show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.replies import Refusal

DEFAULT_BLOCK_MINUTES = 45
MIN_BLOCK_MINUTES = 1
MAX_BLOCK_MINUTES = 180
MAX_TOPIC_LENGTH = 200

_MINUTES = re.compile(r"^(\d{1,6})(?:m|min|mins|minutes|分钟|分)?$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[-+]?\d+([.,]\d+)?(m|min|mins|minutes|分钟|分)?$", re.IGNORECASE)


class ArgumentError(Refusal, ValueError):
    """A command argument the learner must correct; `key` names the message explaining how."""


@dataclass(frozen=True)
class BlockRequest:
    """What `/block [minutes] [topic]` asked for."""

    minutes: int
    topic: str


def parse_block_args(args: Sequence[str]) -> BlockRequest:
    """Read `[minutes] [topic]`; a first word that is not a number starts the topic."""
    words = [word for word in args if word]
    minutes = DEFAULT_BLOCK_MINUTES
    if words and _NUMBERISH.match(words[0]):
        match = _MINUTES.match(words[0])
        value = int(match.group(1)) if match else None
        if value is None or not MIN_BLOCK_MINUTES <= value <= MAX_BLOCK_MINUTES:
            raise ArgumentError("block.bad_minutes", value=words[0])
        minutes = value
        words = words[1:]
    topic = " ".join(words).strip()
    if len(topic) > MAX_TOPIC_LENGTH:
        raise ArgumentError("block.topic_too_long", limit=MAX_TOPIC_LENGTH)
    return BlockRequest(minutes=minutes, topic=topic)
