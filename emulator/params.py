"""Reading Bot API call parameters from HTTP requests and decoding them by declared type."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_INT_RE = re.compile(r"-?\d+")
_PLAIN_TYPES = frozenset({"String", "InputFile"})


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data call."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


class RequestBodyError(Exception):
    """The request body could not be parsed at all."""


async def read_request(
    request: web.Request, field_names: Collection[str]
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Raw parameters (query string and body) plus multipart parts meant for attach:// URIs."""
    raw: dict[str, Any] = dict(request.query)
    attachments: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return raw, attachments
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise RequestBodyError("can't parse JSON body") from exc
        if not isinstance(body, dict):
            raise RequestBodyError("JSON body must be an object")
        raw.update(body)
        return raw, attachments
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            upload = UploadedFile(key, value.filename, value.content_type, value.file.read())
            # A part named like a parameter is that parameter; others are attach:// targets.
            if key in field_names:
                raw[key] = upload
            else:
                attachments[key] = upload
        else:
            raw[key] = value
    return raw, attachments


def decode_params(
    raw: Mapping[str, Any], field_types: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Turn string-encoded values into the JSON values their declared types call for."""
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        types = field_types.get(key)
        if isinstance(value, str):
            decoded[key] = decode_value(value, types) if types else _guess(value)
        else:
            decoded[key] = value
    return decoded


def decode_value(value: str, types: Sequence[str]) -> Any:
    """Decode one string parameter given its declared type alternatives."""
    if all(t in _PLAIN_TYPES for t in types):
        return value
    if "Integer" in types and _INT_RE.fullmatch(value.strip()):
        return int(value)
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            pass
    if "Boolean" in types and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if any(t not in _PLAIN_TYPES for t in types) and "String" not in types:
        return _guess(value)
    return value


def _guess(value: str) -> Any:
    """JSON-decode when possible (structured or unknown params), else keep the string."""
    try:
        return json.loads(value)
    except ValueError:
        return value
