"""Photos through the whole path: emulator → bot → the real worker (trained tiny CLIP, tiny
LLaVA) → reply, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import openai
import pytest

from coach.learners.profile import Identity
from coach.vision.client import LabelScore
from coach.vision.render import clean_answer
from coach.vision.requests import RequestKind
from coach.vision.service import IncomingPhoto, ModelAnswer
from emulator import BotApiEmulator
from jobs.services import build_services
from tests.support.checkpoints import COLOURS, colour_image, png_bytes
from tests.support.running_bot import RunningBot, make_settings, running_bot
from tests.support.vision import (
    CLIP_NAME,
    RGB,
    VLM_NAME,
    WAIT,
    StubChatServer,
    WorkerServer,
    closed_port_url,
    exchanges,
    photo,
    ranking,
    replied_to,
    send,
    serve_worker,
)
from worker.config import WorkerConfig


@pytest.fixture
def bot_overrides(vision_worker: WorkerServer) -> dict[str, Any]:
    """The bot talks to the session's worker."""
    return {"VISION_URL": vision_worker.url, "VISION_TIMEOUT": 60}


async def test_labels_rank_by_clip_and_questions_go_to_the_vlm(
    bot: RunningBot,
    emulator: BotApiEmulator,
    vision_worker: WorkerServer,
    database_url: str,
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    largest = lin.send_photo(photo("red"), caption=RGB)["message"]["photo"][-1]
    first = await lin.next_message(timeout=WAIT)
    assert ranking(first)[0] == "red"
    for colour, caption in [("green", RGB), ("blue", "labels: red, green, blue")]:
        message_id = await send(lin, photo(colour), caption)
        reply = await lin.next_message(timeout=WAIT)
        assert f"CLIP 排序（{CLIP_NAME}）" in (reply.text or "")
        assert ranking(reply)[0] == colour, reply.text
        assert sorted(ranking(reply)) == ["blue", "green", "red"]
        assert replied_to(reply) == message_id
    assert "typing" in lin.chat_actions

    question = "这张图片是什么颜色？"
    await send(lin, photo("red"), question)
    answer = await lin.next_message(timeout=WAIT)
    # Greedy decoding: the worker gives the same answer to the same photo and question.
    client = openai.AsyncOpenAI(base_url=f"{vision_worker.url}/v1", api_key="-", max_retries=0)
    image = "data:image/jpeg;base64," + base64.b64encode(photo("red")).decode()
    try:
        direct = await client.chat.completions.create(
            model=VLM_NAME,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "image_url", "image_url": {"url": image}},
                        {"type": "text", "text": question},
                    ],
                }
            ],
            max_tokens=400,
        )
    finally:
        await client.close()
    expected = clean_answer(direct.choices[0].message.content or "") or "（模型没有说话）"
    assert answer.text == f"🖼 {expected}\n\n— {VLM_NAME}"

    await send(lin, photo("green"))
    described = await lin.next_message(timeout=WAIT)
    assert (described.text or "").endswith(f"— {VLM_NAME}")

    lin.send_text("/export")
    exported = await lin.next_message(timeout=WAIT)
    assert exported.document is not None
    records = json.loads(exported.document)["vision_exchanges"]
    assert [(r["kind"], r["model"], r["status"]) for r in records] == [
        ("labels", CLIP_NAME, "answered"),
        ("labels", CLIP_NAME, "answered"),
        ("labels", CLIP_NAME, "answered"),
        ("question", VLM_NAME, "answered"),
        ("describe", VLM_NAME, "answered"),
    ]
    assert records[0]["labels"] == ["red", "green", "blue"]
    assert records[0]["scores"][0]["label"] == "red" and records[0]["scores"][0]["score"] > 0.5
    assert records[2]["caption"] == "labels: red, green, blue"
    assert (
        records[3]["prompt"] == question
        and records[3]["answer"] == direct.choices[0].message.content
    )
    assert records[4]["prompt"] == "用两三句话描述这张图片。"
    assert all(isinstance(r["latency_ms"], int) and r["latency_ms"] >= 0 for r in records)
    assert all(r["photo_file_id"] for r in records)

    rows = await exchanges(database_url)
    assert [row.status for row in rows] == ["answered"] * 5
    assert all(row.replied_at is not None for row in rows)
    assert rows[0].file_id == largest["file_id"], "the largest size was fetched"
    assert emulator.calls_to("getFile")[0]["file_id"] == largest["file_id"]


async def test_an_album_costs_one_model_call_per_photo(
    bot: RunningBot, emulator: BotApiEmulator, vision_worker: WorkerServer, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    before = vision_worker.zero_shot_requests()
    album = [
        lin.send_photo(photo(colour), caption=RGB if colour == "red" else None, media_group_id="A1")
        for colour in ("red", "green", "blue")
    ]
    replies = [await lin.next_message(timeout=WAIT) for _ in album]
    by_photo = {replied_to(reply): ranking(reply)[0] for reply in replies}
    assert by_photo == {
        update["message"]["message_id"]: colour
        for update, colour in zip(album, ("red", "green", "blue"), strict=True)
    }
    assert vision_worker.zero_shot_requests() - before == 3

    # Telegram delivers an update again after a crash: nothing is asked or answered twice.
    emulator.redeliver(album[1])
    await lin.no_message(within=2.5)
    assert vision_worker.zero_shot_requests() - before == 3
    rows = await exchanges(database_url)
    assert [(row.media_group_id, row.labels) for row in rows] == [
        ("A1", ["red", "green", "blue"])
    ] * 3


async def test_the_daily_limit_protects_the_gpu(
    emulator: BotApiEmulator, vision_worker: WorkerServer, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    before = vision_worker.zero_shot_requests()
    async with running_bot(
        database_url, emulator.base_url, VISION_URL=vision_worker.url, VISION_DAILY_LIMIT=2
    ):
        for colour in ("red", "green"):
            await send(lin, photo(colour), RGB)
            assert ranking(await lin.next_message(timeout=WAIT))[0] == colour
        await send(lin, photo("blue"), RGB)
        refused = await lin.next_message(timeout=WAIT)
        assert "今天的 2 张图片额度已经用完了" in (refused.text or "")
        for colour in ("red", "green"):
            lin.send_photo(photo(colour), caption=RGB, media_group_id="A2")
        again = await lin.next_message(timeout=WAIT)
        assert "额度已经用完了" in (again.text or "")
        await lin.no_message(within=2.5)  # one refusal for the whole album
        lin.send_text("/vision")
        status = await lin.next_message(timeout=WAIT)
    assert vision_worker.zero_shot_requests() - before == 2
    assert f"CLIP：{CLIP_NAME}" in (status.text or "")
    assert f"多模态模型：{VLM_NAME}" in (status.text or "")
    assert "今天已用 2/2 张" in (status.text or "")


async def test_failures_get_a_clear_reply(
    emulator: BotApiEmulator,
    vision_worker: WorkerServer,
    stub_server: StubChatServer,
    database_url: str,
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    async with running_bot(database_url, emulator.base_url, VISION_URL=vision_worker.url):
        lin.send_document(b"\x89PNG\r\n\x1a\n broken", "broken.png", "image/png", caption=RGB)
        assert "这张图片读不出来" in ((await lin.next_message(timeout=WAIT)).text or "")
        lin.send_document(png_bytes(colour_image(COLOURS["blue"])), "scan.png", "image/png", RGB)
        assert ranking(await lin.next_message(timeout=WAIT))[0] == "blue"
        await send(lin, photo("red"), "labels: red")
        assert "至少要两个标签" in ((await lin.next_message(timeout=WAIT)).text or "")
        emulator.inject_fault(
            "getFile", 400, description="Bad Request: file is temporarily unavailable"
        )
        await send(lin, photo("red"), RGB)
        assert "没能从 Telegram 下载这张图片" in ((await lin.next_message(timeout=WAIT)).text or "")

    async with running_bot(database_url, emulator.base_url, VISION_URL=closed_port_url()):
        await send(lin, photo("red"), RGB)
        assert "连不上图片模型服务" in ((await lin.next_message(timeout=WAIT)).text or "")
        lin.send_text("/vision")
        assert "图片模型服务现在连不上" in ((await lin.next_message(timeout=WAIT)).text or "")

    stub_server.zero_shot_delay = 30
    async with running_bot(
        database_url, emulator.base_url, VISION_URL=stub_server.url, VISION_TIMEOUT=1
    ):
        await send(lin, photo("red"), RGB)
        late = await lin.next_message(timeout=WAIT)
        assert "图片模型 1 秒内没有回答" in (late.text or "")

    clip_only = WorkerConfig(clip_model=vision_worker.runtime.config.clip_model, clip_name="c")
    with serve_worker(clip_only) as worker:
        async with running_bot(database_url, emulator.base_url, VISION_URL=worker.url):
            await send(lin, photo("red"), "what is this?")
            assert "没有能回答问题的多模态模型" in (
                (await lin.next_message(timeout=WAIT)).text or ""
            )
            await send(lin, photo("green"))
            fallback = await lin.next_message(timeout=WAIT)
            assert "没有说明文字，所以让 CLIP 在默认标签里排序（c）" in (fallback.text or "")
            assert len(ranking(fallback)) == 9

    rows = await exchanges(database_url)
    assert [(row.status, row.error) for row in rows] == [
        ("failed", "bad_image"),
        ("answered", None),
        ("failed", "too_few_labels"),
        ("failed", "download"),
        ("failed", "unavailable"),
        ("failed", "timeout"),
        ("failed", "no_vlm"),
        ("answered", None),
    ]
    assert all(row.replied_at is not None for row in rows)


async def test_questions_can_go_to_any_openai_compatible_server(
    emulator: BotApiEmulator,
    vision_worker: WorkerServer,
    stub_server: StubChatServer,
    database_url: str,
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    async with running_bot(
        database_url,
        emulator.base_url,
        VISION_URL=vision_worker.url,
        VLM_BASE_URL=f"{stub_server.url}/v1",
        VLM_MODEL="llava:7b",
        VLM_API_KEY="secret-key",
        VLM_MAX_TOKENS=123,
    ):
        await send(lin, photo("red"), "What colour is this square?")
        answer = await lin.next_message(timeout=WAIT)
        await send(lin, photo("blue"), RGB)
        ranked = await lin.next_message(timeout=WAIT)
        await send(lin, photo("green"))
        described = await lin.next_message(timeout=WAIT)
    assert answer.text == f"🖼 {stub_server.answer}\n\n— llava:7b"
    assert ranking(ranked)[0] == "blue", "labels still go to our worker's CLIP"
    assert described.text == answer.text
    question, description = stub_server.requests
    assert question["model"] == "llava:7b" and question["max_tokens"] == 123
    [content] = question["messages"]
    image_part, text_part = content["content"]
    assert text_part == {"type": "text", "text": "What colour is this square?"}
    prefix = "data:image/jpeg;base64,"
    assert image_part["image_url"]["url"].startswith(prefix)
    assert base64.b64decode(image_part["image_url"]["url"][len(prefix) :]) == photo("red")
    assert description["messages"][0]["content"][1]["text"] == "用两三句话描述这张图片。"
    assert stub_server.headers[0]["Authorization"] == "Bearer secret-key"

    async with running_bot(database_url, emulator.base_url, VLM_BASE_URL=f"{stub_server.url}/v1"):
        await send(lin, photo("red"), "And now?")
        auto = await lin.next_message(timeout=WAIT)
        await send(lin, photo("red"), RGB)
        no_clip = await lin.next_message(timeout=WAIT)
    assert auto.text == f"🖼 {stub_server.answer}\n\n— llava:7b", "VLM_MODEL unset: the listed one"
    assert "现在没有能给标签排序的 CLIP 模型" in (no_clip.text or "")


async def test_a_restart_finishes_what_a_crash_interrupted(
    emulator: BotApiEmulator, vision_worker: WorkerServer, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    # The handler committed these photos, then the process died before any answer went out.
    pending_update = lin.send_photo(photo("green"), caption=RGB)
    owed_update = lin.send_photo(photo("blue"), caption=RGB)
    # Both processes share one timeline, as a restarted bot would.
    anchor = {"COACH_CLOCK_ANCHOR": time.time()}
    services = build_services(make_settings(database_url, emulator.base_url, **anchor))
    try:
        async with services.database.session() as session:
            for update in (pending_update, owed_update):
                await services.updates.claim(session, update["update_id"])
            profile = await services.coach.learners.profile(session, Identity(1001, 1001, "Lin"))
            accepted = [
                await services.vision.accept(session, profile, _incoming(update))
                for update in (pending_update, owed_update)
            ]
            await session.commit()
        owed_id = accepted[1].exchange_id  # type: ignore[union-attr]
        async with services.database.session() as session:
            prepared = await services.vision.prepare(session, [owed_id])
            stored = ModelAnswer(
                kind=RequestKind.LABELS,
                model="earlier-clip",
                latency_ms=12,
                labels=("red", "green", "blue"),
                scores=(
                    LabelScore("blue", 0.9),
                    LabelScore("red", 0.06),
                    LabelScore("green", 0.04),
                ),
            )
            await services.vision.record(session, prepared.jobs[0].exchange_id, stored)
            await session.commit()
    finally:
        await services.close()

    before = vision_worker.zero_shot_requests()
    async with running_bot(database_url, emulator.base_url, VISION_URL=vision_worker.url, **anchor):
        first = await lin.next_message(timeout=WAIT)
        second = await lin.next_message(timeout=WAIT)
        await lin.no_message(within=2.5)
    replies = {replied_to(first): first, replied_to(second): second}
    owed = replies[owed_update["message"]["message_id"]]
    assert ranking(owed) == ["blue", "red", "green"] and "earlier-clip" in (owed.text or "")
    answered = replies[pending_update["message"]["message_id"]]
    assert ranking(answered)[0] == "green" and CLIP_NAME in (answered.text or "")
    assert vision_worker.zero_shot_requests() - before == 1, "the stored answer is not asked again"
    rows = await exchanges(database_url)
    assert [(row.status, row.replied_at is not None) for row in rows] == [("answered", True)] * 2


def _incoming(update: dict[str, Any]) -> IncomingPhoto:
    message = update["message"]
    largest = message["photo"][-1]
    return IncomingPhoto(
        chat_id=message["chat"]["id"],
        message_id=message["message_id"],
        file_id=largest["file_id"],
        file_unique_id=largest["file_unique_id"],
        media_group_id=None,
        caption=message.get("caption"),
    )


class TestWithoutAModel:
    """No VISION_URL and no VLM_BASE_URL: what a learner and an admin are told."""

    @pytest.fixture
    def bot_overrides(self) -> dict[str, Any]:
        return {"COACH_ADMIN_USERS": "9009"}

    async def test_a_photo_gets_an_answer_meant_for_the_learner(
        self, bot: RunningBot, emulator: BotApiEmulator
    ) -> None:
        lin = emulator.user(1001, first_name="Lin")
        await send(lin, photo("red"), "这是什么？")
        reply = (await lin.next_message()).text or ""
        assert reply.startswith("📷 我现在还看不了照片")
        assert "猫 | 狗 | 一碗面" in reply and "写一个问题，我来回答" in reply
        for operator_word in ("VISION_URL", "VLM_BASE_URL", "python -m worker", "vision worker"):
            assert operator_word not in reply

        ana = emulator.user(2002, first_name="Ana")
        ana.send_text("/lang en")
        await ana.next_message()
        ana.send_photo(photo("blue"))
        reply = (await ana.next_message()).text or ""
        assert reply.startswith("📷 I can't look at photos yet")
        assert "cat | dog | a bowl of noodles" in reply and "VISION_URL" not in reply

    async def test_vision_explains_captions_and_only_admins_see_the_set_up(
        self, bot: RunningBot, emulator: BotApiEmulator
    ) -> None:
        lin = emulator.user(1001, first_name="Lin")
        lin.send_text("/vision")
        learner = (await lin.next_message()).text or ""
        assert "我现在还看不了照片" in learner
        assert "例：猫 | 狗 | 一碗面，或 labels: 猫, 狗" in learner
        assert "例：这张图里的公式是什么意思？" in learner
        assert "VISION_URL" not in learner and "管理员" not in learner

        admin = emulator.user(9009, first_name="Ops")
        admin.send_text("/lang en")
        await admin.next_message()
        admin.send_text("/vision")
        operator = (await admin.next_message()).text or ""
        assert "e.g. cat | dog | a bowl of noodles, or labels: cat, dog" in operator
        assert "e.g. What does the formula in this picture mean?" in operator
        assert "🔧 For admins: run the vision worker (python -m worker …) and set VISION_URL" in (
            operator
        )


def test_the_set_up_hint_goes_to_the_start_up_log_once(caplog: pytest.LogCaptureFixture) -> None:
    import bot.__main__ as entry

    settings = make_settings("sqlite:///unused.db", "http://127.0.0.1:9")
    with caplog.at_level("WARNING", logger="bot"):
        entry._warn_about_set_up(settings)
    [record] = [r for r in caplog.records if "VISION_URL" in r.getMessage()]
    assert record.levelname == "WARNING"
    caplog.clear()
    with caplog.at_level("WARNING", logger="bot"):
        entry._warn_about_set_up(
            make_settings("sqlite:///unused.db", "http://x", VISION_URL="http://w")
        )
    assert caplog.records == []
