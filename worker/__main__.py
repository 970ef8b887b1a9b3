"""`python -m worker --clip-model … --vlm-model … --port …`: serve the vision worker."""

from __future__ import annotations

import argparse
import logging

from worker.config import DEFAULT_TEMPLATE, WorkerConfig
from worker.images import ImageLimits


def parse_args(argv: list[str] | None = None) -> tuple[WorkerConfig, argparse.Namespace]:
    """The configuration and the serving options from the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m worker",
        description="CLIP zero-shot ranking and OpenAI-compatible vision chat over HTTP.",
    )
    parser.add_argument("--clip-model", help="CLIP checkpoint: a directory or a model id")
    parser.add_argument("--vlm-model", help="image-text-to-text checkpoint (LLaVA, Qwen2-VL, …)")
    parser.add_argument("--clip-name", help="the CLIP's id in the API (default: its name)")
    parser.add_argument("--vlm-name", help="the chat model's id in the API (default: its name)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--device", default="auto", help="auto (CUDA if present), cpu, cuda:0, …")
    parser.add_argument(
        "--dtype",
        default="auto",
        choices=["auto", "float32", "float16", "bfloat16"],
        help="weights' precision (auto: float16 on CUDA, float32 on CPU)",
    )
    parser.add_argument(
        "--prompt-template", default=DEFAULT_TEMPLATE, help='zero-shot prompt, e.g. "a photo of {}"'
    )
    parser.add_argument("--max-batch-size", type=int, default=32, help="images per CLIP batch")
    parser.add_argument(
        "--batch-wait-ms", type=float, default=0.0, help="wait this long to fill a batch"
    )
    parser.add_argument(
        "--prepare-threads",
        type=int,
        default=None,
        help="threads decoding and preprocessing images (default: one per CPU, at most 4)",
    )
    parser.add_argument(
        "--prepare-overlap",
        choices=["auto", "yes", "no"],
        default="auto",
        help="prepare images while the model runs (auto: with a GPU yes, on a CPU no)",
    )
    parser.add_argument("--max-image-mb", type=float, default=20.0, help="largest image file")
    parser.add_argument(
        "--max-image-pixels", type=int, default=40_000_000, help="largest decoded image"
    )
    parser.add_argument("--max-new-tokens", type=int, default=512, help="longest chat answer")
    parser.add_argument("--log-level", default="info", help="debug, info, warning, …")
    args = parser.parse_args(argv)
    if not args.clip_model and not args.vlm_model:
        parser.error("give --clip-model, --vlm-model or both")
    try:
        config = WorkerConfig(
            clip_model=args.clip_model,
            vlm_model=args.vlm_model,
            clip_name=args.clip_name,
            vlm_name=args.vlm_name,
            device=args.device,
            dtype=args.dtype,
            prompt_template=args.prompt_template,
            limits=ImageLimits(
                max_bytes=int(args.max_image_mb * 1024 * 1024), max_pixels=args.max_image_pixels
            ),
            max_batch_size=args.max_batch_size,
            batch_wait_ms=args.batch_wait_ms,
            prepare_threads=args.prepare_threads,
            prepare_overlap={"auto": None, "yes": True, "no": False}[args.prepare_overlap],
            max_new_tokens=args.max_new_tokens,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return config, args


def main(argv: list[str] | None = None) -> None:
    """Load the models and serve until interrupted."""
    import uvicorn

    from worker.app import create_app

    config, args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
