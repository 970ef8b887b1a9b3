"""parse_mode=HTML, with the error messages Telegram's parser gives."""

from __future__ import annotations

import html
import re

from emulator.formatting.builder import Builder, Entity, ParseError

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_ATTR_BARE_VALUE_RE = re.compile(r"[A-Za-z0-9.\-]*")


class HtmlParser(Builder):
    """Telegram's HTML subset: b/i/u/s/spoiler/a/code/pre/blockquote/tg-emoji."""

    @classmethod
    def parse(cls, source: str) -> tuple[str, list[Entity]]:
        """Text and entities for HTML markup."""
        b = cls(source)
        stack: list[tuple[str, int, dict[str, str]]] = []
        i, n = 0, len(source)
        while i < n:
            char = source[i]
            if char == "&":
                match = _CHAR_REF_RE.match(source, i)
                if match:
                    b.add(html.unescape(match.group(0)))
                    i = match.end()
                    continue
            if char != "<":
                b.add(char)
                i += 1
                continue
            if i + 1 < n and source[i + 1] == "/":
                i = b._end_tag(i, stack)
            else:
                i = b._start_tag(i, stack)
        if stack:
            raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
        return b.result()

    def _start_tag(self, begin: int, stack: list[tuple[str, int, dict[str, str]]]) -> int:
        source, i = self.source, begin + 1
        while i < len(source) and not source[i].isspace() and source[i] != ">":
            i += 1
        if i >= len(source):
            raise ParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = source[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise ParseError(
                f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}'
            )
        attrs, i = self._attrs(tag, i)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError('Tag "span" must have class "tg-spoiler"')
        stack.append((tag, self.offset, attrs))
        return i + 1

    def _attrs(self, tag: str, i: int) -> tuple[dict[str, str], int]:
        source = self.source
        attrs: dict[str, str] = {}
        while True:
            while i < len(source) and source[i].isspace():
                i += 1
            if i >= len(source):
                raise ParseError(f'Unclosed start tag "{tag}"')
            if source[i] == ">":
                return attrs, i
            match = _ATTR_NAME_RE.match(source, i)
            if not match:
                raise ParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(i)}'
                )
            name, i = match.group(0).lower(), match.end()
            while i < len(source) and source[i].isspace():
                i += 1
            if i < len(source) and source[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise ParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(i)}"
                )
            i += 1
            while i < len(source) and source[i].isspace():
                i += 1
            value, i = self._attr_value(tag, i)
            attrs[name] = value

    def _attr_value(self, tag: str, i: int) -> tuple[str, int]:
        source = self.source
        if i < len(source) and source[i] in "\"'":
            end = source.find(source[i], i + 1)
            if end < 0:
                raise ParseError(f'Unclosed end of attribute value in the tag "{tag}"')
            return html.unescape(source[i + 1 : end]), end + 1
        match = _ATTR_BARE_VALUE_RE.match(source, i)
        value = match.group(0) if match else ""
        return value, i + len(value)

    def _end_tag(self, begin: int, stack: list[tuple[str, int, dict[str, str]]]) -> int:
        source = self.source
        if not stack:
            raise ParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        end = source.find(">", begin)
        if end < 0:
            raise ParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = source[begin + 2 : end].strip().lower()
        tag, start, attrs = stack.pop()
        if name and name != tag:
            raise ParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag}>", found "</{name}>"'
            )
        self._close_entity(tag, start, attrs, stack)
        return end + 1

    def _close_entity(
        self,
        tag: str,
        start: int,
        attrs: dict[str, str],
        stack: list[tuple[str, int, dict[str, str]]],
    ) -> None:
        kind = _TAGS[tag]
        if kind == "code" and stack and stack[-1][0] == "pre":
            # <pre><code class="language-x"> is a single pre entity with a language.
            language = attrs.get("class", "")
            if language.startswith("language-"):
                stack[-1][2]["language"] = language[len("language-") :]
            return
        if kind == "text_link":
            if attrs.get("href"):
                self.entity("text_link", start, url=attrs["href"])
            return
        if kind == "pre":
            self.entity("pre", start, language=attrs.get("language"))
            return
        if kind == "blockquote" and "expandable" in attrs:
            kind = "expandable_blockquote"
        if kind == "custom_emoji":
            self.entity(kind, start, custom_emoji_id=attrs.get("emoji-id"))
            return
        self.entity(kind, start)
