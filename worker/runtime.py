"""The loaded models and the use cases the routes call: rank labels, answer a chat."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import torch

from worker.chat import ChatEngine, Generation
from worker.config import WorkerConfig
from worker.errors import BadRequest, ModelNotFound, ModelUnavailable
from worker.images import decode_base64_image, open_image
from worker.loading import load_clip, load_vlm
from worker.schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ImagePart,
    LabelScoreOut,
    ModelCard,
    ModelList,
    Usage,
    ZeroShotResponse,
)
from worker.zero_shot import ZeroShotEngine

log = logging.getLogger(__name__)


class Runtime:
    """Everything loaded at start-up; lives for the life of the app."""

    def __init__(
        self, config: WorkerConfig, zero_shot: ZeroShotEngine | None, chat: ChatEngine | None
    ) -> None:
        self.config = config
        self.zero_shot_engine = zero_shot
        self.chat_engine = chat
        self.created = int(time.time())
        # Decoding and preprocessing run on a pool of their own. With a GPU they overlap
        # inference (the GPU computes while the CPU prepares the next images); on a CPU,
        # where a forward pass already keeps every core busy, preparation and inference
        # take turns: each batch's images are prepared in parallel just before its forward.
        threads = config.prepare_threads or min(4, os.cpu_count() or 1)
        self._prepare = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="prepare")
        overlap = config.prepare_overlap
        self._prepare_apart = self._device().type != "cpu" if overlap is None else overlap
        if zero_shot is not None and not self._prepare_apart:
            zero_shot.prepare_pool = self._prepare

    @classmethod
    def load(cls, config: WorkerConfig) -> Runtime:
        """Load the configured models (blocking: call it from a thread)."""
        zero_shot = None
        if config.clip_model is not None:
            zero_shot = ZeroShotEngine(
                load_clip(config.clip_model, config.clip_name, config.device, config.dtype),
                max_batch_size=config.max_batch_size,
                max_wait_s=config.batch_wait_ms / 1000,
                cache_size=config.label_cache_size,
            )
        chat = None
        if config.vlm_model is not None:
            chat = ChatEngine(
                load_vlm(config.vlm_model, config.vlm_name, config.device, config.dtype)
            )
        return cls(config, zero_shot, chat)

    def start(self) -> None:
        """Start the engines' queues on the running event loop."""
        for engine in (self.zero_shot_engine, self.chat_engine):
            if engine is not None:
                engine.start()

    async def stop(self) -> None:
        """Stop taking work."""
        for engine in (self.zero_shot_engine, self.chat_engine):
            if engine is not None:
                await engine.stop()
        self._prepare.shutdown(wait=False, cancel_futures=True)

    # -- zero-shot ----------------------------------------------------------------------------

    async def zero_shot(
        self, image: bytes, labels: list[str], template: str | None, model: str | None = None
    ) -> ZeroShotResponse:
        """Rank `labels` for the image."""
        engine = self.zero_shot_engine
        if engine is None:
            raise ModelUnavailable("no CLIP model is loaded; start the worker with --clip-model")
        if model and model != engine.name:
            raise ModelNotFound(f"model {model!r} is not served here; the CLIP is {engine.name!r}")
        labels = self._checked_labels(labels)
        template = self._checked_template(template or self.config.prompt_template)
        limits = self.config.limits

        def prepare() -> torch.Tensor:
            return engine.preprocess(open_image(image, limits))

        if self._prepare_apart:
            loop = asyncio.get_running_loop()
            pixels = await loop.run_in_executor(self._prepare, prepare)
            scores = await engine.rank(lambda: pixels, labels, template)
        else:
            scores = await engine.rank(prepare, labels, template)
        return ZeroShotResponse(
            model=engine.name,
            template=template,
            scores=[LabelScoreOut(label=s.label, score=s.score) for s in scores],
        )

    def _checked_labels(self, labels: list[str]) -> list[str]:
        unique = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
        if not unique:
            raise BadRequest("give at least one non-empty label")
        if len(unique) > self.config.max_labels:
            raise BadRequest(f"at most {self.config.max_labels} labels per request")
        too_long = [label for label in unique if len(label) > self.config.max_label_chars]
        if too_long:
            raise BadRequest(f"a label has at most {self.config.max_label_chars} characters")
        return unique

    @staticmethod
    def _checked_template(template: str) -> str:
        if (
            template.count("{}") != 1
            or "{" in template.replace("{}", "")
            or "}" in (template.replace("{}", ""))
        ):
            raise BadRequest('the template needs exactly one "{}" where the label goes')
        return template

    # -- chat ---------------------------------------------------------------------------------

    async def chat(self, request: ChatCompletionRequest) -> ChatCompletion:
        """Answer an OpenAI-style chat with images."""
        engine = self.chat_engine
        if engine is None:
            raise ModelUnavailable(
                "no vision-language model is loaded; start the worker with --vlm-model"
            )
        if request.model and request.model != engine.name:
            raise ModelNotFound(
                f"model {request.model!r} is not served here; the chat model is {engine.name!r}"
            )
        if request.stream:
            raise BadRequest("streaming is not supported; send stream=false")
        if request.n != 1:
            raise BadRequest("only n=1 is supported")
        messages = await asyncio.get_running_loop().run_in_executor(
            self._prepare, self._to_transformers, request.messages
        )
        wanted = request.max_completion_tokens or request.max_tokens or self.config.max_new_tokens
        result = await engine.complete(
            Generation(
                messages=messages,
                max_new_tokens=min(wanted, self.config.max_new_tokens),
                temperature=request.temperature,
                top_p=request.top_p,
                seed=request.seed,
            )
        )
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}",
            created=int(time.time()),
            model=engine.name,
            choices=[
                Choice(
                    index=0,
                    message=AssistantMessage(content=result.text),
                    finish_reason=result.finish_reason,
                )
            ],
            usage=Usage(
                prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens,
                total_tokens=result.prompt_tokens + result.completion_tokens,
            ),
        )

    def _to_transformers(self, messages: list[ChatMessage]) -> list[dict[str, Any]]:
        """OpenAI messages as transformers' chat format, images decoded (on a thread)."""
        converted: list[dict[str, Any]] = []
        images = 0
        for message in messages:
            parts: list[dict[str, Any]] = []
            if isinstance(message.content, str):
                parts.append({"type": "text", "text": message.content})
            for part in message.content if isinstance(message.content, list) else []:
                if isinstance(part, ImagePart):
                    images += 1
                    if images > self.config.max_images_per_message:
                        raise BadRequest(
                            f"at most {self.config.max_images_per_message} images per request"
                        )
                    url = part.image_url if isinstance(part.image_url, str) else part.image_url.url
                    data = decode_base64_image(url, self.config.limits)
                    parts.append({"type": "image", "image": open_image(data, self.config.limits)})
                else:
                    parts.append({"type": "text", "text": part.text})
            converted.append({"role": message.role, "content": parts})
        if images == 0:
            raise BadRequest("send at least one image as an image_url content part")
        return converted

    # -- status -------------------------------------------------------------------------------

    def models(self) -> ModelList:
        """The served models and the task of each."""
        cards = []
        if self.zero_shot_engine is not None:
            cards.append(
                ModelCard(
                    id=self.zero_shot_engine.name,
                    created=self.created,
                    task="zero-shot-image-classification",
                )
            )
        if self.chat_engine is not None:
            cards.append(
                ModelCard(id=self.chat_engine.name, created=self.created, task="image-text-to-text")
            )
        return ModelList(data=cards)

    def health(self) -> dict[str, Any]:
        """Liveness plus counters (requests, batches, label cache)."""
        status: dict[str, Any] = {
            "status": "ok",
            "device": str(self._device()),
            "torch_threads": torch.get_num_threads(),
        }
        if self.zero_shot_engine is not None:
            stats = self.zero_shot_engine.batcher.stats
            cache = self.zero_shot_engine.cache_stats
            status["zero_shot"] = {
                "model": self.zero_shot_engine.name,
                "requests": stats.requests,
                "batches": stats.batches,
                "largest_batch": stats.largest_batch,
                "label_cache_hits": cache.hits,
                "label_cache_misses": cache.misses,
            }
        if self.chat_engine is not None:
            stats = self.chat_engine.batcher.stats
            status["chat"] = {"model": self.chat_engine.name, "requests": stats.requests}
        return status

    def _device(self) -> torch.device:
        engine = self.zero_shot_engine or self.chat_engine
        assert engine is not None
        return engine.bundle.device
