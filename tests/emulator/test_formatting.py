"""Unit tests for parse_mode rendering and auto-detected entities."""

from __future__ import annotations

import pytest

from emulator.formatting import ParseError, auto_entities, render, utf16_len


def test_plain_text_and_explicit_entities() -> None:
    assert render("a <b>", None, None) == ("a <b>", [])
    given = [{"type": "bold", "offset": 0, "length": 1}]
    assert render("a *b*", "MarkdownV2", given) == ("a *b*", given)


def test_html_entities_with_utf16_offsets() -> None:
    text, entities = render(
        '😀 <b>bold <i>both</i></b> &lt;3 <a href="https://x.org">x</a>', "HTML", None
    )
    assert text == "😀 bold both <3 x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 16, "length": 1, "url": "https://x.org"},
    ]


def test_html_pre_with_language_and_spoiler() -> None:
    source = (
        '<pre><code class="language-python">x = 1</code></pre><span class="tg-spoiler">s</span>'
    )
    text, entities = render(source, "html", None)
    assert text == "x = 1s"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 5, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_errors_like_telegram(source: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        render(source, "HTML", None)
    assert str(info.value) == message


def test_markdown_v2() -> None:
    text, entities = render(
        "*bold* _it_ __under__ ~s~ ||sp|| `c` [l](https://x.org/a\\)b) 1\\.5", "MarkdownV2", None
    )
    assert text == "bold it under s sp c l 1.5"
    kinds = [(e["type"], e["offset"], e["length"]) for e in entities]
    assert kinds == [
        ("bold", 0, 4),
        ("italic", 5, 2),
        ("underline", 8, 5),
        ("strikethrough", 14, 1),
        ("spoiler", 16, 2),
        ("code", 19, 1),
        ("text_link", 21, 1),
    ]
    assert entities[-1]["url"] == "https://x.org/a)b"


def test_markdown_v2_pre_and_blockquote() -> None:
    text, entities = render("```python\nprint(1)\n```\n>quoted\n>more\nafter", "MarkdownV2", None)
    assert text == "print(1)\n\nquoted\nmore\nafter"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 9, "language": "python"},
        {"type": "blockquote", "offset": 10, "length": 11},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Done.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*open", "Can't find end of Bold entity at byte offset 0"),
        ("[x](http://a", "Can't find end of a URL at byte offset 2"),
    ],
)
def test_markdown_v2_errors(source: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        render(source, "MarkdownV2", None)
    assert str(info.value) == message


def test_legacy_markdown() -> None:
    text, entities = render("*b* _i_ `c` [l](https://x.org) a.b-c", "Markdown", None)
    assert text == "b i c l a.b-c"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(ParseError, match="Can't find end of the entity starting at byte offset 2"):
        render("a *b", "Markdown", None)


def test_unknown_parse_mode() -> None:
    with pytest.raises(ParseError):
        render("x", "BBCode", None)


def test_auto_entities_commands_use_utf16_offsets() -> None:
    assert auto_entities("/block@study_coach_bot 1 attention") == [
        {"type": "bot_command", "offset": 0, "length": 22}
    ]
    text = "😀 try /help, see https://example.org/x. #focus @someone"
    found = {
        (
            e["type"],
            text.encode("utf-16-le")[e["offset"] * 2 : (e["offset"] + e["length"]) * 2].decode(
                "utf-16-le"
            ),
        )
        for e in auto_entities(text)
    }
    assert found == {
        ("bot_command", "/help"),
        ("url", "https://example.org/x"),
        ("hashtag", "#focus"),
        ("mention", "@someone"),
    }
    assert auto_entities("a/b and 1/2") == []
    assert utf16_len("😀") == 2
