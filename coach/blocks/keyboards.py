"""Inline keyboards and the callback data they carry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.blocks.views import RewardChoice
from coach.messages import t
from coach.replies import Button, Keyboard, keyboard

BLOCK_PATTERN = re.compile(r"^blk:(done|cancel):(\d{1,12})$")
REWARD_PATTERN = re.compile(r"^rwd:(\d{1,12}):(\d{1,12})$")
# The offline coach's offers: a short block (`tut:block:35`), a card on a topic (`tut:quiz:clip`).
TUTOR_PATTERN = re.compile(r"^tut:(block|quiz):([a-z0-9_]{1,32})$")


@dataclass(frozen=True)
class BlockAction:
    """A press on a block's *Finish early* or *Cancel* button."""

    action: str
    block_id: int


@dataclass(frozen=True)
class RewardPick:
    """A press on a reward button."""

    block_id: int
    item_id: int


def block_controls(language: str, block_id: int) -> Keyboard:
    """*Finish early* / *Cancel* under a running block."""
    return keyboard(
        [
            [
                Button(t(language, "block.button_finish"), f"blk:done:{block_id}"),
                Button(t(language, "block.button_cancel"), f"blk:cancel:{block_id}"),
            ]
        ]
    )


def reward_choices(block_id: int, choices: Sequence[RewardChoice]) -> Keyboard | None:
    """One button per reward on the menu, bound to the block that earned it."""
    if not choices:
        return None
    return keyboard(
        [[Button(choice.title, f"rwd:{block_id}:{choice.item_id}")] for choice in choices]
    )


def tutor_offers(
    language: str, block_minutes: int | None, quiz_topic: str | None, topic_name: str = ""
) -> Keyboard | None:
    """The coach's buttons under a reply: start a short block, try a card on the topic."""
    buttons = []
    if block_minutes is not None:
        buttons.append(
            Button(
                t(language, "tutor.button_block", minutes=block_minutes),
                f"tut:block:{block_minutes}",
            )
        )
    if quiz_topic is not None:
        buttons.append(
            Button(
                t(language, "tutor.button_quiz", topic=topic_name),
                f"tut:quiz:{quiz_topic}",
            )
        )
    return keyboard([buttons]) if buttons else None


def parse_tutor_offer(data: str) -> tuple[str, str] | None:
    """Read a coach button's (action, value); None if it was not ours."""
    match = TUTOR_PATTERN.match(data)
    return (match.group(1), match.group(2)) if match else None


def parse_block_action(data: str) -> BlockAction | None:
    """Read block button data; None if it was not ours."""
    match = BLOCK_PATTERN.match(data)
    return BlockAction(match.group(1), int(match.group(2))) if match else None


def parse_reward_pick(data: str) -> RewardPick | None:
    """Read reward button data; None if it was not ours."""
    match = REWARD_PATTERN.match(data)
    return RewardPick(int(match.group(1)), int(match.group(2))) if match else None
