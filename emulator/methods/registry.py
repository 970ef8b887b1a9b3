"""Registry mapping Bot API method names to the emulator's implementations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator.params import UploadedFile
from emulator.state import EmulatorState


@dataclass(frozen=True)
class Call:
    """One decoded Bot API call."""

    method: str
    params: dict[str, Any]
    attachments: dict[str, UploadedFile]


Handler = Callable[[EmulatorState, Call], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the implementation of a method."""

    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        return func

    return register
