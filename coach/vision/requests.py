"""What a photo asks for, read from its caption, and which of its sizes to fetch."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_LABELS = 16
MAX_LABEL_LENGTH = 100
MAX_QUESTION_LENGTH = 1000
# getFile refuses files above 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# "labels: a, b" / "标签：a，b" spells out a label list; otherwise a `|` marks one.
_LABELS_PREFIX = re.compile(r"^\s*(labels?|标签)\s*[:：]\s*", re.IGNORECASE)
_PIPES = re.compile(r"[|｜\n]")
_PIPES_OR_COMMAS = re.compile(r"[|｜,，、\n]")


class RequestKind(enum.StrEnum):
    """What the learner wants to know about a photo."""

    LABELS = "labels"
    QUESTION = "question"
    DESCRIBE = "describe"


@dataclass(frozen=True)
class VisionRequest:
    """A ranking of labels, a question, or (no caption) a description."""

    kind: RequestKind
    labels: tuple[str, ...] = ()
    question: str = ""


@dataclass(frozen=True)
class CaptionProblem:
    """Why a caption cannot be served; `code` names the message, `limit` fills it in."""

    code: str
    limit: int = 0


def read_caption(caption: str | None) -> VisionRequest | CaptionProblem:
    """Labels (`cat | dog`, `labels: cat, dog`), a question, or nothing (describe the photo)."""
    text = (caption or "").strip()
    if not text:
        return VisionRequest(RequestKind.DESCRIBE)
    prefix = _LABELS_PREFIX.match(text)
    if prefix is not None:
        return _labels(_PIPES_OR_COMMAS.split(text[prefix.end() :]))
    if "|" in text or "｜" in text:
        return _labels(_PIPES.split(text))
    if len(text) > MAX_QUESTION_LENGTH:
        return CaptionProblem("question_too_long", MAX_QUESTION_LENGTH)
    return VisionRequest(RequestKind.QUESTION, question=text)


def _labels(parts: Sequence[str]) -> VisionRequest | CaptionProblem:
    labels: list[str] = []
    seen: set[str] = set()
    for part in parts:
        label = " ".join(part.split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            labels.append(label)
    if len(labels) < 2:
        return CaptionProblem("too_few_labels")
    if len(labels) > MAX_LABELS:
        return CaptionProblem("too_many_labels", MAX_LABELS)
    if any(len(label) > MAX_LABEL_LENGTH for label in labels):
        return CaptionProblem("label_too_long", MAX_LABEL_LENGTH)
    return VisionRequest(RequestKind.LABELS, labels=tuple(labels))


@dataclass(frozen=True)
class PhotoSize:
    """One size Telegram offers of a photo (or an image document, which has one)."""

    file_id: str
    file_unique_id: str
    width: int
    height: int
    file_size: int | None


def largest_fetchable(sizes: Sequence[PhotoSize]) -> PhotoSize | None:
    """The largest size the Bot API lets us download (at most 20 MB), if any."""
    fetchable = [
        size for size in sizes if size.file_size is None or size.file_size <= MAX_DOWNLOAD_BYTES
    ]
    if not fetchable:
        return None
    return max(fetchable, key=lambda size: (size.width * size.height, size.file_size or 0))
