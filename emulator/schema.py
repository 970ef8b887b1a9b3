"""Bot API schema loading and recursive validation of calls and returned objects."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from emulator.params import UploadedFile

SCHEMA_ENV = "TELEGRAM_API_SCHEMA"
PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean"})
ARRAY_PREFIX = "Array of "
# Subtype fields that name their discriminator in prose, e.g. 'always "user"' or 'must be chat'.
_LITERAL_RE = re.compile(r'(?:always|must be) "?([a-z_]+)"?\s*$')
_LITERAL_FIELDS = frozenset({"type", "source", "status"})


SHARED_SCHEMA = Path(__file__).resolve().parents[2] / "shared/reference/telegram-bot-api/api.json"
# A copy ships with the package so a fresh checkout runs without ../shared; a test keeps
# it identical to the shared reference.
BUNDLED_SCHEMA = Path(__file__).resolve().parent / "reference" / "api.json"


def default_schema_path() -> Path:
    """$TELEGRAM_API_SCHEMA, else the shared reference beside the checkout, else the bundled one."""
    env = os.environ.get(SCHEMA_ENV)
    if env:
        return Path(env)
    return SHARED_SCHEMA if SHARED_SCHEMA.is_file() else BUNDLED_SCHEMA


@dataclass(frozen=True)
class FieldSpec:
    """One declared field of a method or object type."""

    name: str
    types: tuple[str, ...]
    required: bool
    literal: str | None = None


@dataclass(frozen=True)
class _Ctx:
    """Per-check context: attach:// part names known for this call (None = don't check)."""

    attachments: frozenset[str] | None


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class BotApiSchema:
    """The Bot API's methods and types, with validators for calls and objects."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data.get("version", "unknown"))
        self._methods: dict[str, dict[str, FieldSpec]] = {}
        self._returns: dict[str, tuple[str, ...]] = {}
        self._types: dict[str, dict[str, FieldSpec]] = {}
        self._unions: dict[str, tuple[str, ...]] = {}
        self._lower: dict[str, str] = {}
        for name, method in data["methods"].items():
            self._methods[name] = self._fields(method)
            self._returns[name] = tuple(method.get("returns", ()))
            self._lower[name.lower()] = name
        for name, obj in data["types"].items():
            if "subtypes" in obj:
                self._unions[name] = tuple(obj["subtypes"])
            else:
                self._types[name] = self._fields(obj)

    @staticmethod
    def _fields(obj: Mapping[str, Any]) -> dict[str, FieldSpec]:
        fields: dict[str, FieldSpec] = {}
        for raw in obj.get("fields", ()):
            literal = None
            if raw["name"] in _LITERAL_FIELDS and raw["types"] == ["String"]:
                match = _LITERAL_RE.search(raw.get("description", ""))
                literal = match.group(1) if match else None
            fields[raw["name"]] = FieldSpec(
                raw["name"], tuple(raw["types"]), bool(raw["required"]), literal
            )
        return fields

    @classmethod
    def load(cls, path: str | Path | None = None) -> BotApiSchema:
        """Load (and cache) the schema from path, $TELEGRAM_API_SCHEMA or the default location."""
        resolved = Path(path) if path is not None else default_schema_path()
        return _load_cached(str(resolved.resolve()))

    # Lookups

    def canonical_method(self, name: str) -> str | None:
        """The schema's spelling of a method name (Bot API method names are case-insensitive)."""
        return self._lower.get(name.lower())

    def method_fields(self, method: str) -> dict[str, FieldSpec]:
        """Declared parameters of a method (empty for unknown methods)."""
        return self._methods.get(method, {})

    def returns(self, method: str) -> tuple[str, ...]:
        """Declared return type alternatives of a method."""
        return self._returns.get(method, ())

    def type_fields(self, type_name: str) -> dict[str, FieldSpec]:
        """Declared fields of an object type (empty for unions and unknown types)."""
        return self._types.get(type_name, {})

    def missing_required(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Names of required parameters that the call lacks."""
        return [
            spec.name
            for spec in self.method_fields(method).values()
            if spec.required and params.get(spec.name) is None
        ]

    # Validation

    def check_call(
        self,
        method: str,
        params: Mapping[str, Any],
        attachments: Collection[str] | None = None,
    ) -> list[str]:
        """Problems with a call: unknown method, missing/unknown params, mistyped values."""
        if method not in self._methods:
            return [f"{method}: unknown Bot API method"]
        ctx = _Ctx(frozenset(attachments) if attachments is not None else None)
        return self._check_fields(self._methods[method], params, method, ctx, "parameter")

    def check_object(self, type_name: str, value: Any) -> list[str]:
        """Problems with a value against a type expression like 'Message' or 'Array of Update'."""
        return self._check_type(type_name, value, type_name, _Ctx(None))

    def check_result(self, method: str, value: Any) -> list[str]:
        """Problems with a method's result against its declared return types."""
        returns = self.returns(method)
        if not returns:
            return [f"{method}: no declared return type"]
        return self._check_union(returns, value, "result", _Ctx(None))

    def _check_fields(
        self,
        fields: Mapping[str, FieldSpec],
        value: Mapping[str, Any],
        path: str,
        ctx: _Ctx,
        noun: str,
    ) -> list[str]:
        errors: list[str] = []
        for spec in fields.values():
            if spec.required and value.get(spec.name) is None:
                errors.append(f"{path}: missing required {noun} '{spec.name}'")
        for key, item in value.items():
            spec_or_none = fields.get(key)
            if spec_or_none is None:
                errors.append(f"{path}: unknown {noun} '{key}'")
                continue
            if item is None:
                continue
            sub = _join(path, key)
            if spec_or_none.literal is not None and item != spec_or_none.literal:
                errors.append(f"{sub}: expected '{spec_or_none.literal}', got {_describe(item)}")
                continue
            errors.extend(self._check_union(spec_or_none.types, item, sub, ctx))
        return errors

    def _check_union(self, types: tuple[str, ...], value: Any, path: str, ctx: _Ctx) -> list[str]:
        if len(types) == 1:
            return self._check_type(types[0], value, path, ctx)
        results = [self._check_type(alt, value, path, ctx) for alt in types]
        if any(not errs for errs in results):
            return []
        if all(alt in PRIMITIVES or alt == "InputFile" for alt in types):
            return [f"{path}: expected {' or '.join(types)}, got {_describe(value)}"]
        # Judge against the alternative the value's shape is closest to, then the fewest errors.
        best = min(
            range(len(types)),
            key=lambda i: (self._shape_distance(types[i], value), len(results[i])),
        )
        note = f" [checked as {types[best]}; allowed: {' | '.join(types)}]"
        return [err + note for err in results[best]]

    def _shape_distance(self, type_name: str, value: Any) -> int:
        """How far a value's top level is from a type: unknown, missing and mis-tagged fields."""
        if type_name in self._unions:
            return min(self._shape_distance(alt, value) for alt in self._unions[type_name])
        fields = self._types.get(type_name)
        if fields is None or not isinstance(value, dict):
            return 0 if not self._check_type(type_name, value, "", _Ctx(None)) else 1000
        unknown = sum(1 for key in value if key not in fields)
        missing = sum(1 for spec in fields.values() if spec.required and key_missing(value, spec))
        wrong_kind = sum(
            1
            for spec in fields.values()
            if spec.literal is not None and value.get(spec.name) not in (None, spec.literal)
        )
        # A matching type tag is the strongest hint of what the sender meant.
        return unknown + missing + 10 * wrong_kind

    def _check_type(self, type_name: str, value: Any, path: str, ctx: _Ctx) -> list[str]:
        if type_name.startswith(ARRAY_PREFIX):
            if not isinstance(value, list):
                return [f"{path}: expected {type_name}, got {_describe(value)}"]
            inner = type_name[len(ARRAY_PREFIX) :]
            errors: list[str] = []
            for index, item in enumerate(value):
                errors.extend(self._check_type(inner, item, f"{path}[{index}]", ctx))
            return errors
        if type_name in PRIMITIVES:
            return self._check_primitive(type_name, value, path, ctx)
        if type_name == "InputFile":
            if isinstance(value, UploadedFile):
                return []
            if isinstance(value, str):
                return self._check_attach(value, path, ctx)
            return [f"{path}: expected InputFile (uploaded file or string), got {_describe(value)}"]
        if type_name in self._unions:
            return self._check_union(self._unions[type_name], value, path, ctx)
        if type_name in self._types:
            if not isinstance(value, dict):
                return [f"{path}: expected {type_name} object, got {_describe(value)}"]
            return self._check_fields(self._types[type_name], value, path, ctx, "field")
        return [f"{path}: schema has no type '{type_name}'"]

    def _check_primitive(self, type_name: str, value: Any, path: str, ctx: _Ctx) -> list[str]:
        ok = {
            "Integer": isinstance(value, int) and not isinstance(value, bool),
            "Float": isinstance(value, int | float) and not isinstance(value, bool),
            "String": isinstance(value, str),
            "Boolean": isinstance(value, bool),
        }[type_name]
        if not ok:
            return [f"{path}: expected {type_name}, got {_describe(value)}"]
        if type_name == "String":
            return self._check_attach(value, path, ctx)
        return []

    @staticmethod
    def _check_attach(value: str, path: str, ctx: _Ctx) -> list[str]:
        if ctx.attachments is None or not value.startswith("attach://"):
            return []
        name = value[len("attach://") :]
        if name in ctx.attachments:
            return []
        return [f"{path}: '{value}' refers to no uploaded multipart part"]


def key_missing(value: Mapping[str, Any], spec: FieldSpec) -> bool:
    """Whether a required field is absent (null counts as absent, as in Telegram's JSON)."""
    return value.get(spec.name) is None


@lru_cache(maxsize=8)
def _load_cached(path: str) -> BotApiSchema:
    with open(path, encoding="utf-8") as handle:
        return BotApiSchema(json.load(handle))
