"""The worker's configuration, filled from the command line (or by tests directly)."""

from __future__ import annotations

from dataclasses import dataclass, field

from worker.images import ImageLimits

DEFAULT_TEMPLATE = "a photo of {}"


@dataclass(frozen=True)
class WorkerConfig:
    """What to load and how to serve it."""

    # A local directory or a Hugging Face model id; None means that route answers 503.
    clip_model: str | None = None
    vlm_model: str | None = None
    # The ids the API reports; by default the directory name or the model id.
    clip_name: str | None = None
    vlm_name: str | None = None
    # "auto" picks CUDA when present, else CPU.
    device: str = "auto"
    # "auto" is float16 on CUDA and float32 on CPU.
    dtype: str = "auto"
    prompt_template: str = DEFAULT_TEMPLATE
    limits: ImageLimits = field(default_factory=ImageLimits)
    # Zero-shot requests waiting together are run as one batch of at most this many images.
    max_batch_size: int = 32
    # How long the first request of a batch waits for company; 0 takes whatever is queued.
    batch_wait_ms: float = 0.0
    # Threads that decode and preprocess images (None: min(4, CPUs)).
    prepare_threads: int | None = None
    # Whether preparing images overlaps inference (None: with a GPU yes, on a CPU no).
    prepare_overlap: bool | None = None
    # Label prompts whose text embeddings stay cached.
    label_cache_size: int = 4096
    max_labels: int = 64
    max_label_chars: int = 300
    max_new_tokens: int = 512
    max_images_per_message: int = 8

    def __post_init__(self) -> None:
        if self.clip_model is None and self.vlm_model is None:
            raise ValueError("give a CLIP model, a vision-language model, or both")
        if "{}" not in self.prompt_template:
            raise ValueError("the prompt template needs a {} where the label goes")
        if self.max_batch_size < 1:
            raise ValueError("the batch size must be at least 1")
        if self.prepare_threads is not None and self.prepare_threads < 1:
            raise ValueError("preparing images needs at least one thread")
