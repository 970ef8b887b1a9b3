"""Telegram text formatting: parse_mode rendering and auto-detected entities."""

from __future__ import annotations

from emulator.formatting.auto import auto_entities
from emulator.formatting.builder import Entity, ParseError, utf16_len
from emulator.formatting.html import HtmlParser
from emulator.formatting.markdown import MarkdownParser, MarkdownV2Parser

__all__ = ["Entity", "ParseError", "auto_entities", "render", "utf16_len"]


def render(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Rendered text and entities, as Telegram stores a message sent with these parameters."""
    if entities:
        return text, list(entities)
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return HtmlParser.parse(text)
    if mode == "markdownv2":
        return MarkdownV2Parser.parse(text)
    if mode == "markdown":
        return MarkdownParser.parse(text)
    raise ParseError(f"Unsupported parse_mode {parse_mode!r}")
