"""Vision worker benchmark: a CLIP with the real ViT-B/32 architecture (random weights) on
this machine's CPU.

1. Throughput: the worker (`python -m worker`, its own process) answering 16 concurrent
   zero-shot requests with 8 labels each, in images per second, against transformers'
   zero-shot-image-classification pipeline called once per request.
2. Latency: the worker's per-image latency (one request at a time, HTTP included) against a
   bare `get_image_features` forward pass of one preprocessed image.

Both sides get the same 640x480 JPEG photos; the pipeline decodes them too. The machine may
be shared, so the measurements are interleaved: each block times a round of the worker, a
few pipeline calls, a few single worker requests and a few bare forward passes back to back,
and the ratios are taken per block. Medians over all blocks of all runs are reported.

    .venv/bin/python -m bench.vision_worker --runs 3 --blocks 8
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import os
import platform
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx
import torch
from PIL import Image
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
from transformers import CLIPConfig, CLIPModel, CLIPProcessor, CLIPTokenizer, pipeline
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

ROOT = Path(__file__).resolve().parents[1]
LABELS = [
    "a cat",
    "a dog",
    "a bowl of noodles",
    "a person",
    "a book",
    "a laptop screen with code",
    "a whiteboard",
    "a street at night",
]
TEMPLATE = "a photo of {}"
CONCURRENCY = 16


def build_checkpoint(directory: Path) -> Path:
    """ViT-B/32 CLIP (openai/clip-vit-base-patch32's architecture) with random weights."""
    tokenizer = Tokenizer(models.BPE(continuing_subword_prefix="", end_of_word_suffix="</w>"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Whitespace(), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=2000,
        special_tokens=["<|startoftext|>", "<|endoftext|>"],
        end_of_word_suffix="</w>",
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator([TEMPLATE.format(label) for label in LABELS] * 4, trainer)
    state = json.loads(tokenizer.to_str())["model"]
    vocab = dict(state["vocab"])
    for symbol in sorted(pre_tokenizers.ByteLevel.alphabet()):
        for piece in (symbol, symbol + "</w>"):
            vocab.setdefault(piece, len(vocab))
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split()) for m in state["merges"]]
    clip_tokenizer = CLIPTokenizer(vocab=vocab, merges=merges)  # type: ignore[arg-type]
    config = CLIPConfig(
        text_config={
            "vocab_size": 49408,
            "hidden_size": 512,
            "intermediate_size": 2048,
            "num_hidden_layers": 12,
            "num_attention_heads": 8,
            "max_position_embeddings": 77,
            "bos_token_id": clip_tokenizer.bos_token_id,
            "eos_token_id": clip_tokenizer.eos_token_id,
            "pad_token_id": clip_tokenizer.pad_token_id,
        },
        vision_config={
            "hidden_size": 768,
            "intermediate_size": 3072,
            "num_hidden_layers": 12,
            "num_attention_heads": 12,
            "image_size": 224,
            "patch_size": 32,
        },
        projection_dim=512,
    )
    torch.manual_seed(0)
    model = CLIPModel(config)
    CLIPProcessor(  # type: ignore[no-untyped-call]
        image_processor=CLIPImageProcessorPil(), tokenizer=clip_tokenizer
    ).save_pretrained(directory)
    model.save_pretrained(directory)
    return directory


def photos(count: int) -> list[bytes]:
    """Distinct 640x480 JPEG 'photos' (noise over a gradient), as a phone would send them."""
    result = []
    for index in range(count):
        base = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
        noise = Image.effect_noise((640, 480), 40 + index).convert("RGB")
        tinted = Image.blend(base, noise, 0.5)
        tinted = Image.merge(
            "RGB",
            [
                band.point(lambda v, i=index, b=b: (v + 37 * i * (b + 1)) % 256)
                for b, band in enumerate(tinted.split())
            ],
        )
        buffer = io.BytesIO()
        tinted.save(buffer, "JPEG", quality=90)
        result.append(buffer.getvalue())
    return result


@dataclass
class Block:
    """One interleaved block: worker and baselines measured back to back, under the same load."""

    worker_images_per_s: float
    pipeline_images_per_s: float
    worker_latency_ms: float
    encoder_forward_ms: float

    @property
    def throughput_ratio(self) -> float:
        """Worker throughput over the pipeline's."""
        return self.worker_images_per_s / self.pipeline_images_per_s

    @property
    def latency_ratio(self) -> float:
        """Worker per-image latency over a bare encoder forward pass."""
        return self.worker_latency_ms / self.encoder_forward_ms


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Baselines:
    """transformers' pipeline and the bare image encoder, in this process."""

    def __init__(self, checkpoint: Path, images: list[bytes]) -> None:
        self.images = images
        self.classifier = pipeline(
            "zero-shot-image-classification", model=str(checkpoint), local_files_only=True
        )
        self.model = CLIPModel.from_pretrained(str(checkpoint), local_files_only=True).eval()  # type: ignore[no-untyped-call]
        processor = CLIPImageProcessorPil.from_pretrained(str(checkpoint), local_files_only=True)
        self.pixels = [
            processor(images=[Image.open(io.BytesIO(image)).convert("RGB")], return_tensors="pt")[
                "pixel_values"
            ]
            for image in images
        ]
        self.pipeline_seconds(0, 2)
        self.forward_ms(0, 2)

    def pipeline_seconds(self, start: int, count: int) -> float:
        """Seconds for `count` pipeline calls, one per request (decoding included)."""
        began = time.perf_counter()
        for index in range(start, start + count):
            image = Image.open(io.BytesIO(self.images[index % len(self.images)]))
            self.classifier(image, candidate_labels=LABELS, hypothesis_template=TEMPLATE)
        return time.perf_counter() - began

    def forward_ms(self, start: int, count: int) -> float:
        """Median ms of a bare `get_image_features` pass over one preprocessed image."""
        times = []
        with torch.inference_mode():
            for index in range(start, start + count):
                began = time.perf_counter()
                self.model.get_image_features(pixel_values=self.pixels[index % len(self.pixels)])
                times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)


async def run_blocks(
    checkpoint: Path,
    images: list[bytes],
    blocks: int,
    pipeline_calls: int,
    worker_args: list[str],
    threads: int | None,
) -> tuple[list[Block], int]:
    """Start the worker, then alternate worker and baseline measurements block by block."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "--clip-model",
        str(checkpoint),
        "--port",
        str(port),
        "--log-level",
        "warning",
        *worker_args,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **_thread_env(threads)},
    )
    payloads = [
        {
            "image": "data:image/jpeg;base64," + base64.b64encode(image).decode(),
            "labels": LABELS,
            "template": TEMPLATE,
        }
        for image in images
    ]
    baselines = Baselines(checkpoint, images)
    results: list[Block] = []
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            timeout=300,
            limits=httpx.Limits(max_connections=64),
        ) as client:

            async def ask(index: int) -> None:
                answer = await client.post("/v1/zero-shot", json=payloads[index % len(payloads)])
                answer.raise_for_status()

            for _ in range(600):
                try:
                    await client.get("/health")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            for index in range(3):  # warm-up: label cache, allocator, thread pools
                await ask(index)
            await asyncio.gather(*(ask(index) for index in range(CONCURRENCY)))

            for block in range(blocks):
                began = time.perf_counter()
                await asyncio.gather(*(ask(index) for index in range(CONCURRENCY)))
                worker_ips = CONCURRENCY / (time.perf_counter() - began)
                pipeline_ips = pipeline_calls / baselines.pipeline_seconds(block, pipeline_calls)
                latencies = []
                for index in range(3):
                    began = time.perf_counter()
                    await ask(block + index)
                    latencies.append((time.perf_counter() - began) * 1000)
                results.append(
                    Block(
                        worker_images_per_s=worker_ips,
                        pipeline_images_per_s=pipeline_ips,
                        worker_latency_ms=statistics.median(latencies),
                        encoder_forward_ms=baselines.forward_ms(block, 3),
                    )
                )
            health = (await client.get("/health")).json()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=60)
    return results, int(health["zero_shot"]["largest_batch"])


def _thread_env(threads: int | None) -> dict[str, str]:
    """Environment that gives the worker process `threads` compute threads (None: default)."""
    if threads is None:
        return {}
    return {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}


def load() -> str:
    """The 1/5/15-minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    """Run the benchmark and print a Markdown summary."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="worker restarts")
    parser.add_argument("--blocks", type=int, default=8, help="interleaved blocks per run")
    parser.add_argument("--pipeline-calls", type=int, default=4, help="pipeline calls per block")
    parser.add_argument(
        "--worker-arg", action="append", default=[], help="extra `python -m worker` argument"
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="compute threads for both sides (default: torch's, one per core)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw blocks here")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    images = photos(CONCURRENCY)
    blocks: list[Block] = []
    per_run: list[str] = []
    loads = [load()]
    largest = 0
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = build_checkpoint(Path(folder) / "clip-vit-b32-random")
        for run in range(args.runs):
            found, batch = asyncio.run(
                run_blocks(
                    checkpoint,
                    images,
                    args.blocks,
                    args.pipeline_calls,
                    args.worker_arg,
                    args.threads,
                )
            )
            blocks.extend(found)
            largest = max(largest, batch)
            loads.append(load())
            throughput = statistics.median(b.throughput_ratio for b in found)
            latency = statistics.median(b.latency_ratio for b in found)
            per_run.append(
                f"run {run + 1}: throughput x{throughput:.2f}, latency x{latency:.2f}, "
                f"load after {loads[-1]}"
            )
            print(per_run[-1], flush=True)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    cpu = platform.processor() or platform.machine()
    print()
    print(
        f"machine: {cpu}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"{torch.get_num_threads()} compute threads per side"
    )
    print(f"worker arguments: {' '.join(args.worker_arg) or '(defaults)'}")
    print(f"load averages (1/5/15 min), start and after each run: {' | '.join(loads)}")
    print(f"{len(blocks)} blocks over {args.runs} runs; medians:")
    print("| measure | median |")
    print("|---|---|")
    rows = [
        (
            "worker, 16 concurrent requests x 8 labels",
            median([b.worker_images_per_s for b in blocks]),
            "images/s",
        ),
        (
            "transformers pipeline, once per request",
            median([b.pipeline_images_per_s for b in blocks]),
            "images/s",
        ),
        ("**throughput ratio** (aim >= 3x)", median([b.throughput_ratio for b in blocks]), "x"),
        (
            "worker per-image latency (1 request at a time)",
            median([b.worker_latency_ms for b in blocks]),
            "ms",
        ),
        (
            "bare image-encoder forward (1 image)",
            median([b.encoder_forward_ms for b in blocks]),
            "ms",
        ),
        ("**latency ratio** (aim <= 1.3x)", median([b.latency_ratio for b in blocks]), "x"),
    ]
    for name, value, unit in rows:
        print(f"| {name} | {value:.2f} {unit} |")
    print(f"| largest batch the worker formed | {largest} |")
    if args.json:
        args.json.write_text(
            json.dumps({"blocks": [asdict(b) for b in blocks], "loads": loads}, indent=2)
        )


if __name__ == "__main__":
    main()
