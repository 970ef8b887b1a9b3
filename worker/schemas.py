"""Request and response bodies of the HTTP API (OpenAI's shapes for the chat route)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ZeroShotRequest(BaseModel):
    """`POST /v1/zero-shot` as JSON."""

    model_config = ConfigDict(extra="forbid")

    image: str = Field(description="the image as base64 or a data URL")
    labels: list[str] = Field(description="the candidate labels", min_length=1)
    template: str | None = Field(default=None, description='prompt template, e.g. "a photo of {}"')
    model: str | None = None


class LabelScoreOut(BaseModel):
    """One label's probability."""

    label: str
    score: float


class ZeroShotResponse(BaseModel):
    """Scores as CLIP's softmax over the labels, highest first."""

    model: str
    template: str
    scores: list[LabelScoreOut]


class ImageUrl(BaseModel):
    """An image content part's URL (a data URL here)."""

    url: str
    detail: str | None = None


class TextPart(BaseModel):
    """A text content part."""

    type: Literal["text"]
    text: str


class ImagePart(BaseModel):
    """An image content part."""

    type: Literal["image_url"]
    image_url: ImageUrl | str


class ChatMessage(BaseModel):
    """One message of the conversation."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "user", "assistant"]
    content: str | list[TextPart | ImagePart] | None = None


class ChatCompletionRequest(BaseModel):
    """`POST /v1/chat/completions`: the subset of OpenAI's request the worker honours."""

    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    seed: int | None = None
    n: int = 1
    stream: bool = False


class AssistantMessage(BaseModel):
    """The answer."""

    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    """The single choice the worker returns."""

    index: int
    message: AssistantMessage
    finish_reason: str


class Usage(BaseModel):
    """Token counts."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """OpenAI's chat.completion object."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


class ModelCard(BaseModel):
    """One served model; `task` says which route uses it."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "study-coach-worker"
    task: Literal["zero-shot-image-classification", "image-text-to-text"]


class ModelList(BaseModel):
    """`GET /v1/models`."""

    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorBody(BaseModel):
    """OpenAI's error shape, so its client raises errors with our message."""

    message: str
    type: str
    code: str
    param: Any = None


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx answer."""

    error: ErrorBody
