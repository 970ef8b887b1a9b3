"""Parsing of `/block` arguments."""

from __future__ import annotations

import pytest

from coach.blocks.parsing import ArgumentError, BlockRequest, parse_block_args


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], BlockRequest(45, "")),
        (["30"], BlockRequest(30, "")),
        (["1", "ViT", "patch"], BlockRequest(1, "ViT patch")),
        (["180"], BlockRequest(180, "")),
        (["50min", "CLIP"], BlockRequest(50, "CLIP")),
        (["40分钟", "注意力"], BlockRequest(40, "注意力")),
        (["ResNet", "x+F(x)"], BlockRequest(45, "ResNet x+F(x)")),
    ],
)
def test_valid_arguments(args: list[str], expected: BlockRequest) -> None:
    assert parse_block_args(args) == expected


@pytest.mark.parametrize("first", ["0", "181", "500", "-5", "2.5", "99999999"])
def test_minutes_out_of_range_are_refused_with_the_value(first: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_block_args([first, "topic"])
    assert caught.value.key == "block.bad_minutes"
    assert caught.value.values["value"] == first


def test_overlong_topic_is_refused() -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_block_args(["10", "x" * 201])
    assert caught.value.key == "block.topic_too_long"
