"""parse_mode=MarkdownV2 and legacy Markdown, with Telegram's error messages."""

from __future__ import annotations

from emulator.formatting.builder import Builder, Entity, ParseError

MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_ENTITY_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


class MarkdownV2Parser(Builder):
    """MarkdownV2: every reserved character outside an entity must be escaped."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.pre_language: str | None = None

    @classmethod
    def parse(cls, source: str) -> tuple[str, list[Entity]]:
        """Text and entities for MarkdownV2 markup."""
        b = cls(source)
        stack: list[tuple[str, int, int]] = []  # (kind, utf16 start, source index)
        quote_start: int | None = None
        i, n = 0, len(source)
        while i < n:
            char = source[i]
            nxt = source[i + 1] if i + 1 < n else ""
            in_code = bool(stack) and stack[-1][0] in ("code", "pre")
            if char == "\\" and nxt and 0 < ord(nxt) <= 126:
                b.add(nxt)
                i += 2
                continue
            if not in_code and char == ">" and (i == 0 or source[i - 1] == "\n"):
                if quote_start is None:
                    quote_start = b.offset
                i += 1
                continue
            if char == "\n" and quote_start is not None and not source.startswith(">", i + 1):
                b.entity("blockquote", quote_start)
                quote_start = None
            if (in_code and char != "`") or (not in_code and char not in MARKDOWN_V2_RESERVED):
                b.add(char)
                i += 1
                continue
            i = b._marker(i, stack)
        if stack:
            kind, _, index = stack[-1]
            raise ParseError(
                f"Can't find end of {_ENTITY_NAMES[kind]} entity "
                f"at byte offset {b.byte_offset(index)}"
            )
        if quote_start is not None:
            b.entity("blockquote", quote_start)
        return b.result()

    def _marker(self, i: int, stack: list[tuple[str, int, int]]) -> int:
        source = self.source
        char = source[i]
        pair = source[i : i + 2]
        top = stack[-1][0] if stack else None
        closes = {
            "bold": char == "*",
            "italic": char == "_" and pair != "__",
            "underline": pair == "__",
            "strikethrough": char == "~",
            "spoiler": pair == "||",
            "code": char == "`",
            "pre": source.startswith("```", i),
            "text_link": char == "]",
        }
        if top is not None and closes[top]:
            return self._close(i, stack)
        if pair == "__":
            stack.append(("underline", self.offset, i))
            return i + 2
        if pair == "||":
            stack.append(("spoiler", self.offset, i))
            return i + 2
        if source.startswith("```", i):
            return self._open_pre(i, stack)
        kind = {"*": "bold", "_": "italic", "~": "strikethrough", "`": "code", "[": "text_link"}
        if char in kind:
            stack.append((kind[char], self.offset, i))
            return i + 1
        raise ParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def _open_pre(self, i: int, stack: list[tuple[str, int, int]]) -> int:
        source, begin = self.source, i
        i += 3
        end = i
        while end < len(source) and not source[end].isspace() and source[end] != "`":
            end += 1
        language = None
        if end > i and end < len(source) and source[end] != "`":
            language, i = source[i:end], end
        if source[i : i + 2] in ("\r\n", "\n\r"):
            i += 2
        elif source[i : i + 1] in ("\n", "\r"):
            i += 1
        stack.append(("pre", self.offset, begin))
        self.pre_language = language
        return i

    def _close(self, i: int, stack: list[tuple[str, int, int]]) -> int:
        source = self.source
        kind, start, index = stack.pop()
        if kind == "text_link":
            if not source.startswith("(", i + 1):
                # "[text]" without a URL: Telegram treats the text itself as the URL.
                self.entity("text_link", start, url=source[index + 1 : i])
                return i + 1
            url, j = [], i + 2
            while j < len(source) and source[j] != ")":
                if source[j] == "\\" and j + 1 < len(source) and 0 < ord(source[j + 1]) <= 126:
                    url.append(source[j + 1])
                    j += 2
                    continue
                url.append(source[j])
                j += 1
            if j >= len(source):
                raise ParseError(f"Can't find end of a URL at byte offset {self.byte_offset(i)}")
            self.entity("text_link", start, url="".join(url))
            return j + 1
        if kind == "pre":
            self.entity("pre", start, language=self.pre_language)
            return i + 3
        self.entity(kind, start)
        return i + (2 if kind in ("underline", "spoiler") else 1)


class MarkdownParser(Builder):
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre``` and [links](url), no nesting."""

    @classmethod
    def parse(cls, source: str) -> tuple[str, list[Entity]]:
        """Text and entities for legacy Markdown markup."""
        b = cls(source)
        i, n = 0, len(source)
        while i < n:
            char = source[i]
            if char == "\\" and source[i + 1 : i + 2] in ("_", "*", "`", "["):
                b.add(source[i + 1])
                i += 2
                continue
            if char not in "_*`[":
                b.add(char)
                i += 1
                continue
            i = b._entity_at(i)
        return b.result()

    def _entity_at(self, begin: int) -> int:
        source, char = self.source, self.source[begin]
        is_pre = source.startswith("```", begin)
        end_char = "]" if char == "[" else char
        i = begin + (3 if is_pre else 1)
        language = None
        if is_pre:
            end = i
            while end < len(source) and not source[end].isspace() and source[end] != "`":
                end += 1
            if end > i and end < len(source) and source[end] != "`":
                language, i = source[i:end], end
        start = self.offset
        while i < len(source) and not (
            source[i] == end_char and (not is_pre or source.startswith("```", i))
        ):
            self.add(source[i])
            i += 1
        if i >= len(source):
            raise ParseError(
                f"Can't find end of the entity starting at byte offset {self.byte_offset(begin)}"
            )
        if is_pre:
            self.entity("pre", start, language=language)
            return i + 3
        if char == "[":
            if source.startswith("(", i + 1):
                close = source.find(")", i + 2)
                if close >= 0:
                    self.entity("text_link", start, url=source[i + 2 : close])
                    return close + 1
            return i + 1
        self.entity({"_": "italic", "*": "bold", "`": "code"}[char], start)
        return i + 1
