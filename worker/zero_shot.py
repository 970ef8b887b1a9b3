"""CLIP zero-shot ranking: batched image embeddings against cached label embeddings."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image

from worker.batching import MicroBatcher
from worker.loading import ClipBundle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelScore:
    """One label and its softmax probability."""

    label: str
    score: float


@dataclass(frozen=True)
class _Job:
    # Returns the preprocessed image; called on the batch thread (it may raise BadImage).
    pixels: Callable[[], torch.Tensor]
    labels: tuple[str, ...]
    prompts: tuple[str, ...]


@dataclass
class CacheStats:
    """Label-embedding cache counters for /health."""

    hits: int = 0
    misses: int = 0


def pooled(output: Any) -> torch.Tensor:
    """The projected embedding: transformers 5 wraps it in an output object, 4 returned it."""
    if isinstance(output, torch.Tensor):
        return output
    return output.pooler_output  # type: ignore[no-any-return]


class ZeroShotEngine:
    """Ranks labels for images the way CLIP's zero-shot classification does, but faster.

    Every label prompt's normalized text embedding is computed once and cached; images of
    requests that arrive together are encoded in one batch; each request gets the softmax of
    `logit_scale * cos(image, prompt)` over its own labels.
    """

    def __init__(
        self, bundle: ClipBundle, *, max_batch_size: int, max_wait_s: float, cache_size: int
    ) -> None:
        self.bundle = bundle
        self.cache_stats = CacheStats()
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self._cache_size = cache_size
        self._batcher: MicroBatcher[_Job, list[LabelScore]] = MicroBatcher(
            self._run_batch, max_batch_size=max_batch_size, max_wait_s=max_wait_s, name="clip"
        )
        config = bundle.model.config
        text_config = getattr(config, "text_config", config)
        self._max_text_length = int(getattr(text_config, "max_position_embeddings", 77))
        # Threads that prepare a batch's images just before its forward pass (None: the
        # batch thread alone); see `Runtime`.
        self.prepare_pool: Executor | None = None

    @property
    def name(self) -> str:
        """The model id the API reports."""
        return self.bundle.name

    @property
    def batcher(self) -> MicroBatcher[_Job, list[LabelScore]]:
        """The batcher (for its statistics)."""
        return self._batcher

    def start(self) -> None:
        """Start batching (from the serving event loop)."""
        self._batcher.start()

    async def stop(self) -> None:
        """Stop batching."""
        await self._batcher.stop()

    def preprocess(self, image: Image.Image) -> torch.Tensor:
        """The checkpoint's own image preprocessing (resize, crop, normalize): [3, H, W]."""
        pixels = self.bundle.image_processor(images=[image], return_tensors="pt")["pixel_values"]
        return pixels[0]  # type: ignore[no-any-return]

    async def rank(
        self, pixels: Callable[[], torch.Tensor], labels: Sequence[str], template: str
    ) -> list[LabelScore]:
        """Scores of `labels` for one image, highest first.

        `pixels` gives the preprocessed image: already computed elsewhere, or computed on
        the batch thread just before the forward pass.
        """
        prompts = tuple(template.format(label) for label in labels)
        return await self._batcher.submit(_Job(pixels, tuple(labels), prompts))

    # -- on the batch thread ------------------------------------------------------------------

    @torch.inference_mode()
    def _run_batch(self, jobs: Sequence[_Job]) -> list[list[LabelScore] | Exception]:
        prepared = (
            list(self.prepare_pool.map(_attempt, jobs))
            if self.prepare_pool is not None and len(jobs) > 1
            else [_attempt(job) for job in jobs]
        )
        # A bad image fails its own request only.
        results: list[list[LabelScore] | Exception] = [
            outcome if isinstance(outcome, Exception) else [] for outcome in prepared
        ]
        ready = [
            (slot, job, outcome)
            for slot, (job, outcome) in enumerate(zip(jobs, prepared, strict=True))
            if not isinstance(outcome, Exception)
        ]
        if not ready:
            return results
        model = self.bundle.model
        pixels = torch.stack([tensor for _, _, tensor in ready])
        pixels = pixels.to(self.bundle.device, self.bundle.dtype)
        images = pooled(model.get_image_features(pixel_values=pixels)).float()
        images = images / images.norm(p=2, dim=-1, keepdim=True)
        texts = self._text_embeddings({prompt for _, job, _ in ready for prompt in job.prompts})
        scale = model.logit_scale.float().exp()
        for row, (slot, job, _) in enumerate(ready):
            prompts = torch.stack([texts[prompt] for prompt in job.prompts])
            logits = scale * images[row] @ prompts.T
            probabilities = logits.softmax(dim=-1).tolist()
            ranked = sorted(zip(job.labels, probabilities, strict=True), key=lambda pair: -pair[1])
            results[slot] = [LabelScore(label, score) for label, score in ranked]
        return results

    def _text_embeddings(self, prompts: set[str]) -> dict[str, torch.Tensor]:
        """Normalized embeddings of `prompts`, from the cache or computed in one batch."""
        found: dict[str, torch.Tensor] = {}
        missing: list[str] = []
        for prompt in sorted(prompts):
            cached = self._cache.get(prompt)
            if cached is None:
                missing.append(prompt)
            else:
                self._cache.move_to_end(prompt)
                found[prompt] = cached
        self.cache_stats.hits += len(found)
        self.cache_stats.misses += len(missing)
        if missing:
            tokens = self.bundle.tokenizer(
                missing,
                padding=True,
                truncation=True,
                max_length=self._max_text_length,
                return_tensors="pt",
            ).to(self.bundle.device)
            embedded = pooled(
                self.bundle.model.get_text_features(
                    input_ids=tokens["input_ids"], attention_mask=tokens.get("attention_mask")
                )
            ).float()
            embedded = embedded / embedded.norm(p=2, dim=-1, keepdim=True)
            for prompt, vector in zip(missing, embedded, strict=True):
                found[prompt] = vector
                self._cache[prompt] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return found


def _attempt(job: _Job) -> torch.Tensor | Exception:
    """The job's preprocessed image, or why there is none."""
    try:
        return job.pixels()
    except Exception as exc:
        return exc
