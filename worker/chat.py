"""Vision chat: an image-text-to-text model answering OpenAI-style messages, one at a time.

Generation requests are queued and run one after another on their own thread: batching
generation of different lengths buys little on a CPU, and for throughput on a GPU server the
bot can point VLM_BASE_URL at vLLM instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from worker.batching import MicroBatcher
from worker.loading import VlmBundle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generation:
    """What to generate from: chat messages in transformers' format (images as PIL)."""

    messages: list[dict[str, Any]]
    max_new_tokens: int
    temperature: float
    top_p: float
    seed: int | None


@dataclass(frozen=True)
class ChatResult:
    """The answer and its token counts."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


class ChatEngine:
    """Runs `generate` for queued chat requests on a dedicated thread."""

    def __init__(self, bundle: VlmBundle) -> None:
        self.bundle = bundle
        self._batcher: MicroBatcher[Generation, ChatResult] = MicroBatcher(
            self._run_batch, max_batch_size=1, name="vlm"
        )

    @property
    def name(self) -> str:
        """The model id the API reports."""
        return self.bundle.name

    @property
    def batcher(self) -> MicroBatcher[Generation, ChatResult]:
        """The request queue (for its statistics)."""
        return self._batcher

    def start(self) -> None:
        """Start serving (from the serving event loop)."""
        self._batcher.start()

    async def stop(self) -> None:
        """Stop serving."""
        await self._batcher.stop()

    async def complete(self, generation: Generation) -> ChatResult:
        """The model's answer to the conversation."""
        return await self._batcher.submit(generation)

    def _run_batch(self, batch: Sequence[Generation]) -> list[ChatResult | Exception]:
        return [self._generate(generation) for generation in batch]

    @torch.inference_mode()
    def _generate(self, generation: Generation) -> ChatResult:
        processor = self.bundle.processor
        inputs = processor.apply_chat_template(
            generation.messages,
            add_generation_prompt=True,
            tokenize=True,
            return_dict=True,
            return_tensors="pt",
        ).to(self.bundle.device, dtype=self.bundle.dtype)
        sampling: dict[str, Any] = {"do_sample": False}
        if generation.temperature > 0:
            sampling = {
                "do_sample": True,
                "temperature": generation.temperature,
                "top_p": generation.top_p,
            }
            if generation.seed is not None:
                torch.manual_seed(generation.seed)
        output = self.bundle.model.generate(
            **inputs, max_new_tokens=generation.max_new_tokens, **sampling
        )
        prompt_length = int(inputs["input_ids"].shape[1])
        new_tokens = output[0, prompt_length:]
        text = processor.decode(new_tokens, skip_special_tokens=True).strip()
        stops = _stop_token_ids(self.bundle.model)
        stopped = bool(len(new_tokens)) and int(new_tokens[-1]) in stops
        finish = "stop" if stopped or len(new_tokens) < generation.max_new_tokens else "length"
        return ChatResult(text, prompt_length, len(new_tokens), finish)


def _stop_token_ids(model: Any) -> set[int]:
    eos = getattr(model.generation_config, "eos_token_id", None)
    if eos is None:
        return set()
    return {int(eos)} if isinstance(eos, int) else {int(token) for token in eos}
