"""The photo feature's domain: captions, photo sizes, the daily limit, the stored record, the
weekly demo record and its rendering — against a real database, without Telegram or models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from coach.blocks.service import Coach, CoachConfig
from coach.learners.profile import Identity, Profile
from coach.learners.registry import LearnerDefaults, Learners
from coach.privacy.export import export_document
from coach.settings import Settings
from coach.vision.client import LabelScore, VisionClient, VisionEndpoints, data_url, image_mime
from coach.vision.render import clean_answer, demo_record_markdown, failure_text, reply_text
from coach.vision.requests import (
    CaptionProblem,
    PhotoSize,
    RequestKind,
    VisionRequest,
    largest_fetchable,
    read_caption,
)
from coach.vision.service import (
    Backlog,
    DailyLimitReached,
    ExchangeStatus,
    IncomingPhoto,
    ModelAnswer,
    ModelFailed,
    PhotoAccepted,
    Vision,
    VisionConfig,
)
from db.database import Database
from tests.support.clock import ManualClock

LIN = Identity(user_id=1001, chat_id=1001, first_name="Lin")


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (None, VisionRequest(RequestKind.DESCRIBE)),
        ("   ", VisionRequest(RequestKind.DESCRIBE)),
        (
            "cat | dog | a bowl of noodles",
            VisionRequest(RequestKind.LABELS, ("cat", "dog", "a bowl of noodles")),
        ),
        ("猫｜狗｜一碗面", VisionRequest(RequestKind.LABELS, ("猫", "狗", "一碗面"))),
        ("labels: cat, dog", VisionRequest(RequestKind.LABELS, ("cat", "dog"))),
        ("标签：猫，狗、鸟", VisionRequest(RequestKind.LABELS, ("猫", "狗", "鸟"))),
        ("Labels: red | red | Red |  blue  ", VisionRequest(RequestKind.LABELS, ("red", "blue"))),
        (
            "what is in this picture?",
            VisionRequest(RequestKind.QUESTION, question="what is in this picture?"),
        ),
        ("这是什么, 为什么?", VisionRequest(RequestKind.QUESTION, question="这是什么, 为什么?")),
        ("labels: cat", CaptionProblem("too_few_labels")),
        ("cat |", CaptionProblem("too_few_labels")),
        (" | ".join(f"l{i}" for i in range(17)), CaptionProblem("too_many_labels", 16)),
        ("x" * 101 + " | y", CaptionProblem("label_too_long", 100)),
        ("?" * 1001, CaptionProblem("question_too_long", 1000)),
    ],
)
def test_captions_are_read_as_labels_questions_or_nothing(
    caption: str | None, expected: VisionRequest | CaptionProblem
) -> None:
    assert read_caption(caption) == expected


def test_the_largest_size_under_twenty_megabytes_is_fetched() -> None:
    sizes = [
        PhotoSize("s", "us", 90, 68, 2_000),
        PhotoSize("x", "ux", 1280, 960, 21 * 1024 * 1024),
        PhotoSize("m", "um", 800, 600, 90_000),
        PhotoSize("y", "uy", 320, 240, None),
    ]
    assert largest_fetchable(sizes) == sizes[2]
    assert largest_fetchable(sizes[1:2]) is None
    assert largest_fetchable([PhotoSize("d", "ud", 0, 0, None)]) is not None


def test_images_become_data_urls_with_their_type() -> None:
    assert image_mime(b"\x89PNG\r\n\x1a\n...") == "image/png"
    assert image_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_mime(b"GIF89a") == "image/gif"
    assert image_mime(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert data_url(b"\xff\xd8\xff") == "data:image/jpeg;base64,/9j/"


def test_settings_read_the_vision_variables() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        VISION_URL="http://gpu-box:8000/",
        VLM_BASE_URL="",
        VISION_DEFAULT_LABELS="a cat | a dog|",
        VISION_TIMEOUT="12.5",
    )
    assert settings.vision_url == "http://gpu-box:8000"
    assert settings.vlm_base_url is None
    assert settings.vision_default_labels == ("a cat", "a dog")
    assert settings.vision_timeout == 12.5
    assert settings.vision_daily_limit == 50
    with pytest.raises(ValueError, match="at least two labels"):
        Settings(_env_file=None, VISION_DEFAULT_LABELS="only one")  # type: ignore[call-arg]


def test_answers_are_cleaned_and_failures_explained() -> None:
    assert clean_answer("  a\x00b\x1bc\nd\t ") == "abc\nd"
    assert len(clean_answer("x" * 5000)) == 3500
    assert "60 秒内没有回答" in failure_text("zh", "timeout", 60.0)
    assert "within 2.5 seconds" in failure_text("en", "timeout", 2.5)
    assert "At most 16 labels" in failure_text("en", "too_many_labels", 60)
    assert failure_text("en", "something new", 60) == failure_text("en", "failed", 60)


# -- against the database ---------------------------------------------------------------------


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def vision(clock: ManualClock) -> Vision:
    endpoints = VisionEndpoints("http://127.0.0.1:9", None, None, None, 5.0, 100)
    return Vision(VisionConfig(2, ("a", "b"), 5.0), clock, VisionClient(endpoints))


@pytest.fixture
def coach(clock: ManualClock) -> Coach:
    return Coach(
        CoachConfig(reward_min_minutes=35),
        clock,
        Learners(LearnerDefaults("zh", "Asia/Shanghai"), clock),
    )


def _photo(
    message_id: int, caption: str | None = "red | blue", group: str | None = None
) -> IncomingPhoto:
    return IncomingPhoto(1001, message_id, f"file-{message_id}", f"u-{message_id}", group, caption)


async def _profile(database: Database, coach: Coach) -> Profile:
    async with database.session() as session:
        profile = await coach.learners.profile(session, LIN)
        await session.commit()
    return profile


async def test_the_daily_limit_counts_todays_photos_that_reached_a_model(
    database: Database, coach: Coach, vision: Vision, clock: ManualClock
) -> None:
    profile = await _profile(database, coach)
    async with database.session() as session:
        first = await vision.accept(session, profile, _photo(1))
        second = await vision.accept(session, profile, _photo(2))
        third = await vision.accept(session, profile, _photo(3))
        assert isinstance(first, PhotoAccepted) and isinstance(second, PhotoAccepted)
        assert third == DailyLimitReached(profile, 2)
        # A photo the model never saw (the worker was down) gives its place back.
        await vision.prepare(session, [second.exchange_id])
        await vision.record(session, second.exchange_id, ModelFailed("unavailable"))
        assert isinstance(await vision.accept(session, profile, _photo(4)), PhotoAccepted)
        assert isinstance(await vision.accept(session, profile, _photo(5)), DailyLimitReached)
        await session.commit()
    clock.advance(days=1)
    async with database.session() as session:
        assert await vision.used_today(session, profile) == 0
        assert isinstance(await vision.accept(session, profile, _photo(6)), PhotoAccepted)
        await session.commit()


async def test_an_albums_caption_applies_to_each_photo_and_a_bad_one_refuses_it_once(
    database: Database, coach: Coach, vision: Vision
) -> None:
    profile = await _profile(database, coach)
    vision.config = VisionConfig(10, ("a", "b"), 5.0)
    async with database.session() as session:
        ids = [
            (await vision.accept(session, profile, _photo(n, caption, "G1"))).exchange_id  # type: ignore[union-attr]
            for n, caption in [(10, None), (11, "cat | dog"), (12, "what is this?")]
        ]
        prepared = await vision.prepare(session, ids)
        bad = [
            (await vision.accept(session, profile, _photo(n, caption, "G2"))).exchange_id  # type: ignore[union-attr]
            for n, caption in [(20, "labels: one"), (21, None)]
        ]
        refused = await vision.prepare(session, bad)
        await session.commit()
    assert [job.request for job in prepared.jobs] == [
        VisionRequest(RequestKind.LABELS, ("cat", "dog")),
        VisionRequest(RequestKind.LABELS, ("cat", "dog")),
        VisionRequest(RequestKind.QUESTION, question="what is this?"),
    ]
    assert prepared.refused is None and prepared.language == "zh"
    assert refused.jobs == ()
    assert refused.refused is not None and refused.refused.message_id == 20
    assert refused.refused.error == "too_few_labels"
    async with database.session() as session:
        backlog = await vision.backlog(session, vision.clock.now() + timedelta(seconds=1))
        assert await vision.backlog(session, vision.clock.now()) == Backlog((), ())
    # The album's one reply is owed on its first photo; nothing is pending any more.
    assert [view.message_id for view in backlog.owed] == [20]
    assert [group.exchange_ids for group in backlog.pending] == [tuple(ids)]


async def test_the_weekly_demo_record_lists_the_weeks_answers(
    database: Database, coach: Coach, vision: Vision, clock: ManualClock
) -> None:
    profile = await _profile(database, coach)
    vision.config = VisionConfig(10, ("a", "b"), 5.0)
    clock.current = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    answers = [
        ModelAnswer(
            RequestKind.LABELS,
            "clip-b32",
            140,
            labels=("cat", "dog"),
            scores=(LabelScore("cat", 0.912), LabelScore("dog", 0.088)),
        ),
        ModelAnswer(
            RequestKind.QUESTION, "llava", 2300, prompt="Is it | a cat?", text="Yes |\nit is."
        ),
        ModelFailed("timeout", 5000),
    ]
    async with database.session() as session:
        for day, outcome in enumerate(answers):
            clock.current = datetime(2026, 3, 2 + day, 2, 0, tzinfo=UTC)
            accepted = await vision.accept(session, profile, _photo(30 + day, "cat | dog"))
            assert isinstance(accepted, PhotoAccepted)
            await vision.prepare(session, [accepted.exchange_id])
            await vision.record(session, accepted.exchange_id, outcome)
        clock.current = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # the next Monday
        later = await vision.accept(session, profile, _photo(40, "cat | dog"))
        await session.commit()
    assert isinstance(later, PhotoAccepted)
    async with database.session() as session:
        week = await vision.exchanges_between(
            session, LIN.user_id, date(2026, 3, 2), date(2026, 3, 8)
        )
        _, exported = await export_document(session, coach.learners, LIN)
    assert [e.status for e in week] == [
        ExchangeStatus.ANSWERED,
        ExchangeStatus.ANSWERED,
        ExchangeStatus.FAILED,
    ]
    markdown = demo_record_markdown("en", week, "Asia/Shanghai")
    assert markdown == (
        "## CLIP / VLM demo record\n"
        "\n"
        "| time | photo | asked | the model's answer | model | latency |\n"
        "|---|---|---|---|---|---|\n"
        "| 2026-03-02 10:00 | `file-30` | labels: cat, dog | cat 91%, dog 9% "
        "| clip-b32 | 140 ms |\n"
        "| 2026-03-03 10:00 | `file-31` | Is it \\| a cat? | Yes \\| it is. | llava | 2300 ms |\n"
    )
    assert demo_record_markdown("zh", [], "Asia/Shanghai", heading_level=3) == (
        "### CLIP / VLM 演示记录\n\n这段时间没有图片问答记录。\n"
    )
    records = exported["vision_exchanges"]
    assert [r["status"] for r in records] == ["answered", "answered", "failed", "pending"]
    assert records[0]["scores"] == [
        {"label": "cat", "score": 0.912},
        {"label": "dog", "score": 0.088},
    ]
    assert records[1]["answer"] == "Yes |\nit is." and records[1]["latency_ms"] == 2300
    assert records[2]["error"] == "timeout"
    assert (
        reply_text("en", week[0], 5.0)
        == "🔍 CLIP ranking (clip-b32):\n1. cat — 91.2%\n2. dog — 8.8%"
    )
    assert reply_text("en", week[1], 5.0) == "🖼 Yes |\nit is.\n\n— llava"
