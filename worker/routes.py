"""Thin HTTP routes: parse the request, call the runtime, return its answer."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from worker.errors import BadRequest, WorkerError
from worker.images import check_size, decode_base64_image
from worker.runtime import Runtime
from worker.schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    ModelList,
    ZeroShotRequest,
    ZeroShotResponse,
)

router = APIRouter()


class UnsupportedMediaType(WorkerError):
    """The zero-shot route takes JSON or multipart form data."""

    status = 415
    code = "unsupported_media_type"
    kind = "invalid_request_error"


def runtime_of(request: Request) -> Runtime:
    """The runtime the lifespan loaded."""
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/health")
async def health(request: Request) -> dict[str, Any]:
    """Liveness, the loaded models and the serving counters."""
    return runtime_of(request).health()


@router.get("/v1/models")
async def models(request: Request) -> ModelList:
    """The served models (OpenAI's list shape, plus each model's task)."""
    return runtime_of(request).models()


@router.post("/v1/zero-shot")
async def zero_shot(request: Request) -> ZeroShotResponse:
    """Rank labels for an image: JSON with a base64 image, or multipart with an image file."""
    runtime = runtime_of(request)
    content_type = request.headers.get("content-type", "application/json").lower()
    if content_type.startswith("multipart/form-data"):
        image, labels, template, model = await _read_form(request, runtime)
    elif content_type.startswith("application/json"):
        try:
            body = ZeroShotRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise BadRequest(describe_validation(exc)) from exc
        image = decode_base64_image(body.image, runtime.config.limits)
        labels, template, model = body.labels, body.template, body.model
    else:
        raise UnsupportedMediaType("send application/json or multipart/form-data")
    return await runtime.zero_shot(image, labels, template, model)


@router.post("/v1/chat/completions")
async def chat_completions(body: ChatCompletionRequest, request: Request) -> ChatCompletion:
    """OpenAI-compatible chat with `image_url` content parts (data URLs)."""
    return await runtime_of(request).chat(body)


async def _read_form(
    request: Request, runtime: Runtime
) -> tuple[bytes, list[str], str | None, str | None]:
    form = await request.form(max_files=1, max_fields=runtime.config.max_labels + 8)
    upload = form.get("image")
    if not isinstance(upload, UploadFile):
        raise BadRequest('send the image as a file field named "image"')
    image = await upload.read()
    check_size(image, runtime.config.limits)
    labels: list[str] = []
    for value in form.getlist("labels"):
        if isinstance(value, str):
            labels.extend(split_labels(value))
    template = form.get("template")
    model = form.get("model")
    return (
        image,
        labels,
        template if isinstance(template, str) and template else None,
        model if isinstance(model, str) and model else None,
    )


def split_labels(value: str) -> list[str]:
    """A form's labels field: a JSON array, or labels separated by `|` or new lines."""
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadRequest("the labels field is not a valid JSON array") from exc
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
            raise BadRequest("the labels JSON must be an array of strings")
        return parsed
    return [part for line in text.splitlines() for part in line.split("|")]


def describe_validation(error: ValidationError) -> str:
    """A short, readable account of what is wrong with a request body."""
    problems = []
    for issue in error.errors()[:5]:
        where = ".".join(str(part) for part in issue["loc"]) or "body"
        problems.append(f"{where}: {issue['msg']}")
    return "invalid request: " + "; ".join(problems)
