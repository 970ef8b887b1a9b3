"""The language switch under /start and /lang."""

from __future__ import annotations

import re

from coach.replies import Button, Keyboard, keyboard

LANGUAGE_PATTERN = re.compile(r"^lang:(zh|en)$")


def language_picker() -> Keyboard:
    """中文 / English."""
    return keyboard(
        [
            [
                Button("中文", "lang:zh"),
                Button("English", "lang:en"),
            ]
        ]
    )
