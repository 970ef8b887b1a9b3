"""The vision worker over real HTTP: the same scores as transformers' pipeline, clear errors,
the real `openai` client, the command line."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import io
import os
import signal
import socket
import struct
import sys
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from PIL import Image

from tests.support.checkpoints import COLOURS, colour_image, png_bytes
from tests.support.vision import CLIP_NAME, VLM_NAME, Checkpoints, WorkerServer, serve_worker
from worker.config import WorkerConfig
from worker.images import ImageLimits

ROOT = Path(__file__).resolve().parents[2]


def _data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _test_images() -> list[Image.Image]:
    """Photos of different sizes and contents: solid colours, a gradient, noise."""
    gradient = Image.linear_gradient("L").resize((90, 60)).convert("RGB")
    noise = Image.effect_noise((50, 70), 60).convert("RGB")
    split = Image.new("RGB", (64, 40), COLOURS["red"])
    split.paste(Image.new("RGB", (32, 40), COLOURS["blue"]), (32, 0))
    return [colour_image(COLOURS["green"], (41, 33)), gradient, noise, split]


async def test_zero_shot_scores_equal_the_transformers_pipeline(models: Checkpoints) -> None:
    from transformers import pipeline

    classifier = pipeline(
        "zero-shot-image-classification", model=str(models.random_clip), local_files_only=True
    )
    label_sets = [
        ["red", "green", "blue"],
        ["a cat", "a dog", "a bowl of noodles", "a person", "a book", "a screen", "black", "x"],
    ]
    cases = [
        (image, labels, template)
        for image in _test_images()
        for labels in label_sets
        for template in ("a photo of {}", "{}")
    ]
    config = WorkerConfig(clip_model=str(models.random_clip))
    with serve_worker(config) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            # All at once, so the worker batches them as it would under load.
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/v1/zero-shot",
                        json={
                            "image": _data_url(png_bytes(image)),
                            "labels": labels,
                            "template": template,
                        },
                    )
                    for image, labels, template in cases
                )
            )
            form = await client.post(
                "/v1/zero-shot",
                files={"image": ("photo.png", png_bytes(cases[0][0]), "image/png")},
                data={"labels": " | ".join(cases[0][1]), "template": cases[0][2]},
            )
        assert worker.runtime.zero_shot_engine is not None
        largest_batch = worker.runtime.zero_shot_engine.batcher.stats.largest_batch

    compared = 0
    for (image, labels, template), answer in zip(cases, answers, strict=True):
        assert answer.status_code == 200, answer.text
        body = answer.json()
        expected = classifier(image, candidate_labels=labels, hypothesis_template=template)
        ours = {item["label"]: item["score"] for item in body["scores"]}
        theirs = {item["label"]: item["score"] for item in expected}
        assert ours.keys() == theirs.keys()
        for label, score in theirs.items():
            assert ours[label] == pytest.approx(score, abs=1e-4), (label, template)
            compared += 1
        scores = [item["score"] for item in body["scores"]]
        assert scores == sorted(scores, reverse=True), "highest first"
        assert sum(scores) == pytest.approx(1.0, abs=1e-5)
    assert compared == 4 * (3 + 8) * 2
    assert form.status_code == 200
    by_form = {item["label"]: item["score"] for item in form.json()["scores"]}
    by_json = {item["label"]: item["score"] for item in answers[0].json()["scores"]}
    assert by_form == pytest.approx(by_json, abs=1e-6)
    assert largest_batch > 1, "concurrent requests were batched"


async def test_label_embeddings_are_computed_once(vision_worker: WorkerServer) -> None:
    engine = vision_worker.runtime.zero_shot_engine
    assert engine is not None
    labels = ["yellow", "black", "white"]
    async with httpx.AsyncClient(base_url=vision_worker.url, timeout=60) as client:
        for colour in labels:
            image = png_bytes(colour_image(COLOURS[colour]))
            answer = await client.post(
                "/v1/zero-shot", json={"image": _data_url(image), "labels": labels}
            )
            assert answer.json()["scores"][0]["label"] == colour
            if colour == "yellow":
                misses = engine.cache_stats.misses
    assert engine.cache_stats.misses == misses, "the second and third request hit the cache"
    async with httpx.AsyncClient(base_url=vision_worker.url) as client:
        health = (await client.get("/health")).json()
    assert health["zero_shot"]["label_cache_hits"] >= 6


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge size (a decompression bomb's calling card)."""
    data = bytearray(png_bytes(Image.new("L", (8, 8))))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(header) & 0xFFFFFFFF)
    return bytes(data)


async def test_bad_input_gets_a_clear_4xx(models: Checkpoints) -> None:
    small = ImageLimits(max_bytes=200_000, max_pixels=1_000_000)
    clip_only = WorkerConfig(clip_model=str(models.trained_clip), limits=small)
    good = _data_url(png_bytes(colour_image(COLOURS["red"])))
    photo = io.BytesIO()
    colour_image(COLOURS["red"], (200, 200)).save(photo, "JPEG")
    truncated = photo.getvalue()[:300]

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"labels": ["a", "b"], "image": "'
        for _ in range(40):
            yield b"A" * 10_000
        yield b'"}'

    async def zero_shot(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
        return await client.post("/v1/zero-shot", json={"labels": ["red", "blue"], **body})

    with serve_worker(clip_only) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            cases = {
                "not base64": await zero_shot(client, image="not base64 at all!"),
                "not an image": await zero_shot(client, image=_data_url(b"hello, world")),
                "truncated": await zero_shot(client, image=_data_url(truncated, "image/jpeg")),
                "url": await zero_shot(client, image="https://example.com/cat.jpg"),
                "no labels": await client.post(
                    "/v1/zero-shot", json={"image": good, "labels": [" ", ""]}
                ),
                "bad template": await zero_shot(client, image=good, template="a {x} photo"),
                "no image": await client.post("/v1/zero-shot", json={"labels": ["a", "b"]}),
                "not json": await client.post(
                    "/v1/zero-shot", content=b"{", headers={"content-type": "application/json"}
                ),
                "wrong type": await client.post(
                    "/v1/zero-shot", content=b"x", headers={"content-type": "text/plain"}
                ),
                "bomb": await zero_shot(client, image=_data_url(_png_claiming(30_000, 30_000))),
                "many pixels": await zero_shot(
                    client, image=_data_url(_png_claiming(5_000, 5_000))
                ),
                "big file": await zero_shot(
                    client, image=_data_url(b"\x89PNG" + os.urandom(250_000))
                ),
                "huge body": await zero_shot(client, image="A" * 400_000),
                "chunked body": await client.post(
                    "/v1/zero-shot", content=chunks(), headers={"content-type": "application/json"}
                ),
                "no vlm": await client.post(
                    "/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}
                ),
                "unknown model": await zero_shot(client, image=good, model="clip-9000"),
            }
    expected = {
        "not base64": (400, "bad_image"),
        "not an image": (400, "bad_image"),
        "truncated": (400, "bad_image"),
        "url": (400, "bad_image"),
        "no labels": (400, "invalid_request"),
        "bad template": (400, "invalid_request"),
        "no image": (400, "invalid_request"),
        "not json": (400, "invalid_request"),
        "wrong type": (415, "unsupported_media_type"),
        "bomb": (413, "too_large"),
        "many pixels": (413, "too_large"),
        "big file": (413, "too_large"),
        "huge body": (413, "too_large"),
        "chunked body": (413, "too_large"),
        "no vlm": (503, "model_not_loaded"),
        "unknown model": (404, "model_not_found"),
    }
    for name, (status, code) in expected.items():
        response = cases[name]
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), name
        assert response.json()["error"]["message"], name
    assert "5000x5000" in cases["many pixels"].json()["error"]["message"]

    # Images prepared while the model runs (the GPU default) are refused the same way.
    overlapping = dataclasses.replace(clip_only, prepare_overlap=True)
    with serve_worker(overlapping) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            mixed = await asyncio.gather(
                zero_shot(client, image=good),
                zero_shot(client, image=_data_url(truncated, "image/jpeg")),
                zero_shot(client, image=good),
            )
    assert [answer.status_code for answer in mixed] == [200, 400, 200]
    assert mixed[0].json()["scores"][0]["label"] == "red"
    assert mixed[1].json()["error"]["code"] == "bad_image"

    with serve_worker(clip_only) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            # Prepared on the batch's turn (the CPU default): a broken image fails alone.
            batched = await asyncio.gather(
                zero_shot(client, image=good),
                zero_shot(client, image=_data_url(truncated, "image/jpeg")),
                zero_shot(client, image=good),
            )
    assert [answer.status_code for answer in batched] == [200, 400, 200]

    with serve_worker(WorkerConfig(vlm_model=str(models.vlm))) as worker:
        async with httpx.AsyncClient(base_url=worker.url, timeout=60) as client:
            missing = await zero_shot(client, image=good)
    assert missing.status_code == 503
    assert "--clip-model" in missing.json()["error"]["message"]


async def test_the_openai_client_chats_with_the_worker(vision_worker: WorkerServer) -> None:
    client = openai.AsyncOpenAI(
        base_url=f"{vision_worker.url}/v1", api_key="not-needed", max_retries=0
    )
    image = _data_url(png_bytes(colour_image(COLOURS["blue"])))
    question = [
        {"type": "image_url", "image_url": {"url": image}},
        {"type": "text", "text": "这张图是什么颜色？"},
    ]
    try:
        listed = await client.models.list()
        first = await client.chat.completions.create(
            model=VLM_NAME, messages=[{"role": "user", "content": question}], max_tokens=12
        )
        second = await client.chat.completions.create(
            model=VLM_NAME, messages=[{"role": "user", "content": question}], max_tokens=12
        )
        with pytest.raises(openai.BadRequestError) as corrupt:
            await client.chat.completions.create(
                model=VLM_NAME,
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": _data_url(b"GIF89a..")}},
                            {"type": "text", "text": "?"},
                        ],
                    }
                ],
            )
        with pytest.raises(openai.NotFoundError):
            await client.chat.completions.create(
                model="gpt-9", messages=[{"role": "user", "content": question}]
            )
        with pytest.raises(openai.BadRequestError) as text_only:
            await client.chat.completions.create(
                model=VLM_NAME, messages=[{"role": "user", "content": "hello"}]
            )
    finally:
        await client.close()
    assert {(card.id, getattr(card, "task", None)) for card in listed.data} == {
        (CLIP_NAME, "zero-shot-image-classification"),
        (VLM_NAME, "image-text-to-text"),
    }
    assert first.model == VLM_NAME
    assert first.choices[0].message.role == "assistant"
    assert isinstance(first.choices[0].message.content, str)
    assert first.usage is not None and 0 < first.usage.completion_tokens <= 12
    assert first.usage.prompt_tokens > 16, "the prompt holds the image's tokens"
    assert first.choices[0].finish_reason in {"stop", "length"}
    # Greedy decoding: the same question gets the same answer.
    assert second.choices[0].message.content == first.choices[0].message.content
    assert "not an image" in corrupt.value.message
    assert "at least one image" in text_only.value.message


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_python_m_worker_serves_until_terminated(models: Checkpoints) -> None:
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "--clip-model",
        str(models.trained_clip),
        "--vlm-model",
        str(models.vlm),
        "--port",
        str(port),
        "--log-level",
        "info",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            health = None
            for _ in range(600):
                try:
                    health = (await client.get("/health")).json()
                    break
                except httpx.TransportError:
                    assert process.returncode is None, "the worker exited while starting"
                    await asyncio.sleep(0.1)
            assert health is not None, "the worker did not answer within a minute"
            image = _data_url(png_bytes(colour_image(COLOURS["green"])))
            ranked = await client.post(
                "/v1/zero-shot", json={"image": image, "labels": ["red", "green", "blue"]}
            )
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output = await asyncio.wait_for(process.communicate(), timeout=30)
    assert health["status"] == "ok"
    assert health["zero_shot"]["model"] == "trained-clip"
    assert health["chat"]["model"] == "tiny-llava"
    assert ranked.json()["scores"][0]["label"] == "green"
    log = output[0].decode(errors="replace")
    # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status tells the signal.
    assert process.returncode in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log and "Traceback" not in log, log

    refused = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, error = await refused.communicate()
    assert refused.returncode == 2
    assert "--clip-model" in error.decode()


def test_worker_config_is_checked() -> None:
    with pytest.raises(ValueError, match="CLIP model"):
        WorkerConfig()
    with pytest.raises(ValueError, match="where the label goes"):
        WorkerConfig(clip_model="x", prompt_template="a photo")
    with pytest.raises(ValueError, match="batch size"):
        WorkerConfig(clip_model="x", max_batch_size=0)
