"""Loading models once at start-up: from a local directory or a model id, offline-safe."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

log = logging.getLogger(__name__)

_TRUTHY = {"1", "true", "yes", "on"}
_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


@dataclass
class ClipBundle:
    """A CLIP-style dual encoder with its tokenizer and image processor."""

    name: str
    model: Any
    tokenizer: Any
    image_processor: Any
    device: torch.device
    dtype: torch.dtype


@dataclass
class VlmBundle:
    """An image-text-to-text model with its processor (tokenizer, image processor, template)."""

    name: str
    model: Any
    processor: Any
    device: torch.device
    dtype: torch.dtype


def resolve_device(requested: str) -> torch.device:
    """`auto` is CUDA when present, else CPU; anything else is taken as given."""
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def resolve_dtype(requested: str, device: torch.device) -> torch.dtype:
    """`auto` is float16 on CUDA and float32 elsewhere (CPU half precision is slow or missing)."""
    if requested == "auto":
        return torch.float16 if device.type == "cuda" else torch.float32
    if requested not in _DTYPES:
        raise ValueError(f"unknown dtype {requested!r}; use auto, {', '.join(_DTYPES)}")
    return _DTYPES[requested]


def hub_options(source: str) -> dict[str, Any]:
    """Never reach the network for a local directory or when HF_HUB_OFFLINE is set."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY
    return {"local_files_only": offline or Path(source).is_dir()}


def served_name(source: str, override: str | None) -> str:
    """The id the API reports: the override, a directory's name, or the model id."""
    if override:
        return override
    path = Path(source)
    return path.resolve().name if path.is_dir() else source


def load_clip(source: str, name: str | None, device_name: str, dtype_name: str) -> ClipBundle:
    """Load a CLIP checkpoint (model, tokenizer, image processor) for zero-shot ranking."""
    from transformers import AutoImageProcessor, AutoModel, AutoTokenizer

    device = resolve_device(device_name)
    dtype = resolve_dtype(dtype_name, device)
    options = hub_options(source)
    model: Any = AutoModel.from_pretrained(source, dtype=dtype, **options)
    for needed in ("get_image_features", "get_text_features", "logit_scale"):
        if not hasattr(model, needed):
            raise ValueError(f"{source} is not a CLIP-style model (it has no {needed})")
    if getattr(model, "logit_bias", None) is not None:
        raise ValueError(f"{source} scores with a sigmoid (SigLIP); this worker ranks by softmax")
    model.to(device).eval()
    bundle = ClipBundle(
        name=served_name(source, name),
        model=model,
        tokenizer=AutoTokenizer.from_pretrained(source, **options),
        image_processor=AutoImageProcessor.from_pretrained(source, **options),  # type: ignore[no-untyped-call]
        device=device,
        dtype=dtype,
    )
    log.info("loaded CLIP %s on %s (%s)", bundle.name, device, dtype)
    return bundle


def load_vlm(source: str, name: str | None, device_name: str, dtype_name: str) -> VlmBundle:
    """Load an image-text-to-text checkpoint (LLaVA, Qwen2-VL, SmolVLM, …) and its processor."""
    from transformers import AutoModelForImageTextToText, AutoProcessor

    device = resolve_device(device_name)
    dtype = resolve_dtype(dtype_name, device)
    options = hub_options(source)
    processor: Any = AutoProcessor.from_pretrained(source, **options)  # type: ignore[no-untyped-call]
    if not getattr(processor, "chat_template", None):
        raise ValueError(f"{source} has no chat template; the chat route needs one")
    model: Any = AutoModelForImageTextToText.from_pretrained(source, dtype=dtype, **options)
    model.to(device).eval()
    bundle = VlmBundle(
        name=served_name(source, name), model=model, processor=processor, device=device, dtype=dtype
    )
    log.info("loaded vision-language model %s on %s (%s)", bundle.name, device, dtype)
    return bundle
