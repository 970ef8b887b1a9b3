"""HTTP clients for the vision models: our worker's zero-shot route and any OpenAI-compatible
chat server (our worker's /v1, vLLM, Ollama, LM Studio, llama.cpp's server).

Every failure becomes a `VisionFailure` with a short code the coach turns into a message.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Imported on first use (issue 14): `openai` costs start-up time and memory in every
    # process, and most deployments never configure a vision-language model. `aiohttp`
    # (about 8 MiB resident) is loaded by the bot for its Bot API calls anyway
    # (bot/transport.py); imported here on first use, it stays out of the domain's imports.
    import aiohttp
    import openai

log = logging.getLogger(__name__)

# How long the worker's list of models is trusted before it is asked again.
CAPABILITIES_TTL = 30.0


class VisionFailure(Exception):
    """A model call that produced no answer; `code` says why.

    Codes: unavailable, timeout, bad_image, too_large, no_clip, no_vlm, failed.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class LabelScore:
    """One label's probability."""

    label: str
    score: float


@dataclass(frozen=True)
class Ranking:
    """CLIP's answer."""

    model: str
    scores: tuple[LabelScore, ...]


@dataclass(frozen=True)
class ChatAnswer:
    """A vision-language model's answer."""

    model: str
    text: str


@dataclass(frozen=True)
class WorkerModels:
    """What our worker serves: the CLIP's id and the chat model's id (None when absent)."""

    clip: str | None
    chat: str | None


@dataclass(frozen=True)
class VisionEndpoints:
    """Where the models are."""

    vision_url: str | None
    vlm_base_url: str | None
    vlm_model: str | None
    vlm_api_key: str | None
    timeout: float
    max_tokens: int

    @property
    def configured(self) -> bool:
        """Whether any vision model can be reached at all."""
        return self.vision_url is not None or self.vlm_base_url is not None


def image_mime(data: bytes) -> str:
    """The image's MIME type from its first bytes (JPEG when unsure)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:2] == b"BM":
        return "image/bmp"
    return "image/jpeg"


def data_url(data: bytes) -> str:
    """The image as a base64 data URL."""
    return f"data:{image_mime(data)};base64,{base64.b64encode(data).decode('ascii')}"


class VisionClient:
    """Talks to the worker and the chat server; one instance per bot process."""

    def __init__(self, endpoints: VisionEndpoints) -> None:
        self.endpoints = endpoints
        self._http: aiohttp.ClientSession | None = None
        self._chat_clients: dict[str, openai.AsyncOpenAI] = {}
        self._models: WorkerModels | None = None
        self._models_at = 0.0

    async def close(self) -> None:
        """Close the connections."""
        if self._http is not None:
            await self._http.close()
            self._http = None
        for client in self._chat_clients.values():
            await client.close()
        self._chat_clients.clear()

    def _session(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    # -- our worker -----------------------------------------------------------------------------

    async def worker_models(self) -> WorkerModels:
        """The models our worker serves (cached briefly); no worker means none."""
        url = self.endpoints.vision_url
        if url is None:
            return WorkerModels(None, None)
        now = time.monotonic()
        if self._models is not None and now - self._models_at < CAPABILITIES_TTL:
            return self._models
        body = await self._request(
            "GET", f"{url}/v1/models", None, min(10.0, self.endpoints.timeout)
        )
        tasks = {card.get("task"): card.get("id") for card in body.get("data", [])}
        self._models = WorkerModels(
            clip=tasks.get("zero-shot-image-classification"), chat=tasks.get("image-text-to-text")
        )
        self._models_at = now
        return self._models

    async def has_chat_model(self) -> bool:
        """Whether a question can be answered: an external server, or our worker's VLM."""
        if self.endpoints.vlm_base_url is not None:
            return True
        return (await self.worker_models()).chat is not None

    async def rank(self, image: bytes, labels: tuple[str, ...]) -> Ranking:
        """CLIP's probabilities of `labels` for the image, highest first."""
        url = self.endpoints.vision_url
        if url is None or (await self.worker_models()).clip is None:
            raise VisionFailure("no_clip")
        payload = {"image": data_url(image), "labels": list(labels)}
        body = await self._request("POST", f"{url}/v1/zero-shot", payload, self.endpoints.timeout)
        try:
            scores = tuple(
                LabelScore(str(item["label"]), float(item["score"])) for item in body["scores"]
            )
            return Ranking(model=str(body["model"]), scores=scores)
        except (KeyError, TypeError, ValueError) as exc:
            raise VisionFailure("failed", f"unexpected zero-shot answer: {body!r:.200}") from exc

    async def _request(
        self, method: str, url: str, payload: dict[str, Any] | None, seconds: float
    ) -> dict[str, Any]:
        import aiohttp

        try:
            async with self._session().request(
                method, url, json=payload, timeout=aiohttp.ClientTimeout(total=seconds)
            ) as response:
                if response.status >= 400:
                    raise _worker_failure(response.status, await _error_of(response), "no_clip")
                body = await response.json(content_type=None)
        except VisionFailure:
            raise
        except TimeoutError as exc:
            raise VisionFailure("timeout", url) from exc
        except aiohttp.ClientConnectionError as exc:
            raise VisionFailure("unavailable", str(exc)) from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise VisionFailure("failed", str(exc)) from exc
        if not isinstance(body, dict):
            raise VisionFailure("failed", f"unexpected answer from {url}")
        return body

    # -- chat -----------------------------------------------------------------------------------

    async def ask(self, image: bytes, question: str) -> ChatAnswer:
        """A vision-language model's answer to `question` about the image."""
        import openai

        base_url, model = await self._chat_target()
        client = self._chat_client(base_url)
        content: list[dict[str, Any]] = [
            {"type": "image_url", "image_url": {"url": data_url(image)}},
            {"type": "text", "text": question},
        ]
        try:
            completion = await client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": content}],  # type: ignore[list-item,misc]
                max_tokens=self.endpoints.max_tokens,
            )
        except openai.APITimeoutError as exc:
            raise VisionFailure("timeout", base_url) from exc
        except openai.APIConnectionError as exc:
            raise VisionFailure("unavailable", str(exc)) from exc
        except openai.APIStatusError as exc:
            error = (str(exc.code or ""), exc.message)
            raise _worker_failure(exc.status_code, error, "no_vlm") from exc
        except openai.OpenAIError as exc:
            raise VisionFailure("failed", str(exc)) from exc
        if not completion.choices:
            raise VisionFailure("failed", "the chat answer has no choices")
        text = completion.choices[0].message.content or ""
        return ChatAnswer(model=completion.model or model, text=text)

    async def _chat_target(self) -> tuple[str, str]:
        """The chat server and model: VLM_BASE_URL and VLM_MODEL, else our worker's VLM."""
        endpoints = self.endpoints
        if endpoints.vlm_base_url is not None:
            model = endpoints.vlm_model or await self._first_model(endpoints.vlm_base_url)
            return endpoints.vlm_base_url, model
        if endpoints.vision_url is None:
            raise VisionFailure("no_vlm")
        chat = (await self.worker_models()).chat
        if chat is None:
            raise VisionFailure("no_vlm")
        return f"{endpoints.vision_url}/v1", chat

    async def _first_model(self, base_url: str) -> str:
        """The first model an OpenAI-compatible server lists (when VLM_MODEL is unset)."""
        import openai

        try:
            page = await self._chat_client(base_url).models.list()
        except openai.APIConnectionError as exc:
            raise VisionFailure("unavailable", str(exc)) from exc
        except openai.OpenAIError as exc:
            raise VisionFailure("no_vlm", f"cannot list models: {exc}") from exc
        if not page.data:
            raise VisionFailure("no_vlm", f"{base_url} lists no models; set VLM_MODEL")
        return page.data[0].id

    def _chat_client(self, base_url: str) -> openai.AsyncOpenAI:
        client = self._chat_clients.get(base_url)
        if client is None:
            import openai

            key = self.endpoints.vlm_api_key if base_url == self.endpoints.vlm_base_url else None
            client = openai.AsyncOpenAI(
                base_url=base_url,
                # Local servers ignore the key, but the client insists on one.
                api_key=key or "not-needed",
                timeout=self.endpoints.timeout,
                max_retries=0,
            )
            self._chat_clients[base_url] = client
        return client


async def _error_of(response: aiohttp.ClientResponse) -> tuple[str, str]:
    """The (code, message) of a worker's error body, as far as it can be read."""
    import aiohttp

    try:
        body = await response.json(content_type=None)
        error = body.get("error", {}) if isinstance(body, dict) else {}
        return str(error.get("code") or ""), str(error.get("message") or "")
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return "", ""


def _worker_failure(status: int, error: tuple[str, str], missing: str) -> VisionFailure:
    """The failure for an HTTP error; `missing` is the code for "no such model loaded"."""
    code, message = error
    log.warning("vision model answered %s %s: %s", status, code, message)
    if status == 413:
        return VisionFailure("too_large", message)
    if status == 400 and code == "bad_image":
        return VisionFailure("bad_image", message)
    if (status == 503 and code == "model_not_loaded") or status == 404:
        return VisionFailure(missing, message)
    return VisionFailure("failed", f"{status} {code} {message}".strip())
