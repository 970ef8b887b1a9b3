"""Shared pieces of the parse_mode parsers: output builder, errors and UTF-16 lengths."""

from __future__ import annotations

from typing import Any

Entity = dict[str, Any]


class ParseError(Exception):
    """Telegram's "can't parse entities" refusal."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class Builder:
    """Accumulates output text and entities with UTF-16 offsets while a parser walks the source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def byte_offset(self, index: int) -> int:
        """UTF-8 byte offset of a source index, as Telegram reports positions."""
        return len(self.source[:index].encode("utf-8"))

    def add(self, chunk: str) -> None:
        """Append visible text."""
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """Close an entity that began at UTF-16 offset start."""
        # Telegram silently drops empty entities.
        if self.offset > start:
            entity: Entity = {"type": kind, "offset": start, "length": self.offset - start}
            entity.update({k: v for k, v in extra.items() if v is not None})
            self.entities.append(entity)

    def result(self) -> tuple[str, list[Entity]]:
        """Rendered text and entities, outer entities first."""
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities
