"""Photos for the vision models: the daily limit, what each photo asks, calling the models,
and the record of every exchange (for replies, /export and the weekly demo record)."""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coach.clock import Clock
from coach.learners.profile import Profile
from coach.messages import t
from coach.vision.client import LabelScore, VisionClient, VisionFailure, WorkerModels
from coach.vision.requests import CaptionProblem, RequestKind, VisionRequest, read_caption
from db.models import VisionExchange
from db.repositories import UserRepository, VisionRepository

log = logging.getLogger(__name__)


class ExchangeStatus(enum.StrEnum):
    """Life cycle of an exchange."""

    PENDING = "pending"
    ANSWERED = "answered"
    FAILED = "failed"


# A photo counts against the daily limit unless it failed without reaching a model.
COUNTED = (ExchangeStatus.PENDING.value, ExchangeStatus.ANSWERED.value)


def setup_warning(vision_url: str | None, vlm_base_url: str | None) -> str | None:
    """The operator's set-up hint when no vision model is configured (for the start-up log).

    Learners never see it: they are told the coach can't look at photos yet, and admins
    (COACH_ADMIN_USERS) find it in /vision too.
    """
    if vision_url or vlm_base_url:
        return None
    return (
        "no vision model is configured, so photos get a 'can't look at photos yet' reply: "
        "run the vision worker (python -m worker ...) and set VISION_URL, or point "
        "VLM_BASE_URL (and VLM_MODEL) at an OpenAI-compatible multimodal server "
        "(vLLM, Ollama, ...)"
    )


@dataclass(frozen=True)
class VisionConfig:
    """The settings the vision feature needs."""

    daily_limit: int
    default_labels: tuple[str, ...]
    timeout: float


@dataclass(frozen=True)
class IncomingPhoto:
    """A photo (or image document) as the learner sent it."""

    chat_id: int
    message_id: int
    file_id: str
    file_unique_id: str
    media_group_id: str | None
    caption: str | None


@dataclass(frozen=True)
class PhotoAccepted:
    """The photo is recorded and waits for its model call."""

    profile: Profile
    exchange_id: int


@dataclass(frozen=True)
class DailyLimitReached:
    """The learner has used today's photos."""

    profile: Profile
    limit: int


@dataclass(frozen=True)
class VisionJob:
    """One model call to make: which photo, what to ask, whom to answer."""

    exchange_id: int
    chat_id: int
    message_id: int
    file_id: str
    language: str
    request: VisionRequest


@dataclass(frozen=True)
class ModelAnswer:
    """What a model said, and what it was asked (a description may fall back to CLIP)."""

    kind: RequestKind
    model: str
    latency_ms: int
    prompt: str | None = None
    labels: tuple[str, ...] | None = None
    text: str | None = None
    scores: tuple[LabelScore, ...] | None = None


@dataclass(frozen=True)
class ModelFailed:
    """No answer; `code` says why."""

    code: str
    latency_ms: int | None = None


@dataclass(frozen=True)
class ExchangeView:
    """A stored exchange, with what is needed to reply to it, export it or list it."""

    id: int
    user_id: int
    chat_id: int
    message_id: int
    file_id: str
    media_group_id: str | None
    caption: str | None
    status: ExchangeStatus
    kind: RequestKind | None
    prompt: str | None
    labels: tuple[str, ...] | None
    answer: str | None
    scores: tuple[LabelScore, ...] | None
    model: str | None
    error: str | None
    latency_ms: int | None
    local_date: date
    created_at: datetime
    answered_at: datetime | None

    @classmethod
    def of(cls, row: VisionExchange) -> ExchangeView:
        """Copy a row out of the session."""
        return cls(
            id=row.id,
            user_id=row.user_id,
            chat_id=row.chat_id,
            message_id=row.message_id,
            file_id=row.file_id,
            media_group_id=row.media_group_id,
            caption=row.caption,
            status=ExchangeStatus(row.status),
            kind=RequestKind(row.kind) if row.kind else None,
            prompt=row.prompt,
            labels=tuple(row.labels) if row.labels is not None else None,
            answer=row.answer,
            scores=(
                tuple(LabelScore(item["label"], float(item["score"])) for item in row.scores)
                if row.scores is not None
                else None
            ),
            model=row.model,
            error=row.error,
            latency_ms=row.latency_ms,
            local_date=row.local_date,
            created_at=row.created_at,
            answered_at=row.answered_at,
        )

    def as_export(self) -> dict[str, Any]:
        """The exchange in the learner's JSON export."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "local_date": self.local_date.isoformat(),
            "photo_file_id": self.file_id,
            "media_group_id": self.media_group_id,
            "caption": self.caption,
            "kind": self.kind.value if self.kind else None,
            "prompt": self.prompt,
            "labels": list(self.labels) if self.labels is not None else None,
            "answer": self.answer,
            "scores": (
                [{"label": s.label, "score": s.score} for s in self.scores]
                if self.scores is not None
                else None
            ),
            "model": self.model,
            "latency_ms": self.latency_ms,
            "status": self.status.value,
            "error": self.error,
        }


@dataclass(frozen=True)
class Prepared:
    """An album (or a lone photo) made ready: calls to make, or one refusal for all of it."""

    jobs: tuple[VisionJob, ...]
    refused: ExchangeView | None = None
    language: str = ""


@dataclass(frozen=True)
class PendingPhotos:
    """Unanswered photos of one chat that belong together (an album, or a lone photo)."""

    chat_id: int
    exchange_ids: tuple[int, ...]


@dataclass(frozen=True)
class Backlog:
    """What a restart finds: photos never answered, and replies never delivered."""

    pending: tuple[PendingPhotos, ...]
    owed: tuple[ExchangeView, ...]


class Vision:
    """Every use case of the photo feature; methods flush, never commit."""

    def __init__(self, config: VisionConfig, clock: Clock, client: VisionClient) -> None:
        self.config = config
        self.clock = clock
        self.client = client

    @property
    def configured(self) -> bool:
        """Whether a worker or a chat server is configured at all."""
        return self.client.endpoints.configured

    # -- accepting photos -----------------------------------------------------------------------

    async def used_today(self, session: AsyncSession, profile: Profile) -> int:
        """How many of today's photos count against the limit."""
        today = self.clock.now().astimezone(profile.zone).date()
        return await VisionRepository(session).count_counted_on(profile.user_id, today, COUNTED)

    async def accept(
        self, session: AsyncSession, profile: Profile, photo: IncomingPhoto
    ) -> PhotoAccepted | DailyLimitReached:
        """Record the photo as pending, unless the learner has used today's photos."""
        if await self.used_today(session, profile) >= self.config.daily_limit:
            return DailyLimitReached(profile, self.config.daily_limit)
        now = self.clock.now()
        row = await VisionRepository(session).add(
            VisionExchange(
                user_id=profile.user_id,
                chat_id=photo.chat_id,
                message_id=photo.message_id,
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                media_group_id=photo.media_group_id,
                caption=photo.caption,
                status=ExchangeStatus.PENDING.value,
                local_date=now.astimezone(profile.zone).date(),
                created_at=now,
            )
        )
        return PhotoAccepted(profile, row.id)

    # -- resolving what each photo asks ---------------------------------------------------------

    async def prepare(self, session: AsyncSession, exchange_ids: Sequence[int]) -> Prepared:
        """Read the album's caption for each pending photo; refuse the album once if it is bad.

        Telegram puts an album's caption on one of its photos; a photo's own caption wins,
        the others take the album's.
        """
        repository = VisionRepository(session)
        rows = [
            row
            for row in await repository.get_many(exchange_ids)
            if row.status == ExchangeStatus.PENDING
        ]
        if not rows:
            return Prepared(())
        user = await UserRepository(session).get(rows[0].user_id)
        language = user.language if user is not None else "zh"
        album_caption = await self._album_caption(repository, rows)
        jobs: list[VisionJob] = []
        for row in rows:
            request = read_caption(row.caption or album_caption)
            if isinstance(request, CaptionProblem):
                return Prepared((), self._refuse_album(rows, request), language)
            row.kind = request.kind.value
            if request.kind is RequestKind.LABELS:
                row.labels = list(request.labels)
            elif request.kind is RequestKind.QUESTION:
                row.prompt = request.question
            jobs.append(
                VisionJob(row.id, row.chat_id, row.message_id, row.file_id, language, request)
            )
        return Prepared(tuple(jobs), language=language)

    @staticmethod
    async def _album_caption(
        repository: VisionRepository, rows: Sequence[VisionExchange]
    ) -> str | None:
        group = rows[0].media_group_id
        if group is None:
            return None
        for row in await repository.album(rows[0].user_id, group):
            if row.caption and row.caption.strip():
                return row.caption
        return None

    def _refuse_album(
        self, rows: Sequence[VisionExchange], problem: CaptionProblem
    ) -> ExchangeView:
        """Mark every photo failed; the first carries the one reply the album gets."""
        now = self.clock.now()
        for index, row in enumerate(rows):
            row.status = ExchangeStatus.FAILED.value
            row.error = problem.code
            row.answered_at = now
            if index > 0:
                row.replied_at = now
        return ExchangeView.of(rows[0])

    # -- asking the models ----------------------------------------------------------------------

    async def answer(self, job: VisionJob, image: bytes) -> ModelAnswer | ModelFailed:
        """Ask the model the job needs, within the timeout; never raises for model trouble."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.timeout):
                return await self._ask(job, image, started)
        except TimeoutError:
            return ModelFailed("timeout", _elapsed_ms(started))
        except VisionFailure as failure:
            log.info("vision call for exchange %s failed: %s", job.exchange_id, failure)
            return ModelFailed(failure.code, _elapsed_ms(started))
        except Exception:  # a client library's surprise must not leave the photo unanswered
            log.exception("vision call for exchange %s failed unexpectedly", job.exchange_id)
            return ModelFailed("failed", _elapsed_ms(started))

    async def _ask(self, job: VisionJob, image: bytes, started: float) -> ModelAnswer:
        request = job.request
        if request.kind is RequestKind.LABELS:
            return await self._rank(RequestKind.LABELS, image, request.labels, started)
        if request.kind is RequestKind.QUESTION:
            return await self._chat(RequestKind.QUESTION, image, request.question, started)
        if await self.client.has_chat_model():
            prompt = t(job.language, "vision.describe_prompt")
            return await self._chat(RequestKind.DESCRIBE, image, prompt, started)
        return await self._rank(RequestKind.DESCRIBE, image, self.config.default_labels, started)

    async def _rank(
        self, kind: RequestKind, image: bytes, labels: tuple[str, ...], started: float
    ) -> ModelAnswer:
        ranking = await self.client.rank(image, labels)
        return ModelAnswer(
            kind=kind,
            model=ranking.model,
            latency_ms=_elapsed_ms(started),
            labels=labels,
            scores=ranking.scores,
        )

    async def _chat(
        self, kind: RequestKind, image: bytes, prompt: str, started: float
    ) -> ModelAnswer:
        answer = await self.client.ask(image, prompt)
        return ModelAnswer(
            kind=kind,
            model=answer.model,
            latency_ms=_elapsed_ms(started),
            prompt=prompt,
            text=answer.text,
        )

    async def worker_models(self) -> WorkerModels | None:
        """What our worker serves, or None when it cannot be reached (for /vision)."""
        try:
            return await self.client.worker_models()
        except VisionFailure:
            return None

    # -- recording ------------------------------------------------------------------------------

    async def record(
        self, session: AsyncSession, exchange_id: int, outcome: ModelAnswer | ModelFailed
    ) -> ExchangeView | None:
        """Store the answer or the failure; None if the exchange is gone or already finished."""
        rows = await VisionRepository(session).get_many([exchange_id])
        if not rows or rows[0].status != ExchangeStatus.PENDING:
            return None
        row = rows[0]
        row.answered_at = self.clock.now()
        row.latency_ms = outcome.latency_ms
        if isinstance(outcome, ModelFailed):
            row.status = ExchangeStatus.FAILED.value
            row.error = outcome.code
            return ExchangeView.of(row)
        row.status = ExchangeStatus.ANSWERED.value
        row.kind = outcome.kind.value
        row.model = outcome.model[:200]
        row.prompt = outcome.prompt
        if outcome.labels is not None:
            row.labels = list(outcome.labels)
        row.answer = outcome.text
        if outcome.scores is not None:
            row.scores = [{"label": s.label, "score": s.score} for s in outcome.scores]
        return ExchangeView.of(row)

    async def mark_replied(self, session: AsyncSession, exchange_id: int) -> None:
        """Record that the learner got the reply."""
        for row in await VisionRepository(session).get_many([exchange_id]):
            if row.replied_at is None:
                row.replied_at = self.clock.now()

    async def backlog(self, session: AsyncSession, started_at: datetime) -> Backlog:
        """Photos a stopped bot left unanswered (grouped by album) and replies it still owes.

        Only what arrived before this process started (`started_at`) counts: anything
        newer is already being answered.
        """
        repository = VisionRepository(session)
        groups: dict[tuple[int, str], list[int]] = {}
        for row in await repository.pending_before(started_at):
            # A lone photo is a group of its own.
            group = row.media_group_id or f"photo-{row.id}"
            groups.setdefault((row.chat_id, group), []).append(row.id)
        pending = tuple(PendingPhotos(chat, tuple(ids)) for (chat, _), ids in groups.items())
        owed = tuple(ExchangeView.of(row) for row in await repository.replies_owed(started_at))
        return Backlog(pending, owed)

    # -- reading the record ---------------------------------------------------------------------

    async def exchanges_between(
        self, session: AsyncSession, user_id: int, first_day: date, last_day: date
    ) -> list[ExchangeView]:
        """The learner's exchanges of these local days (inclusive), oldest first.

        The weekly Markdown draft lists the answered ones in its "CLIP / VLM demo record"
        section (see `coach.vision.render.demo_record_markdown`).
        """
        rows = await VisionRepository(session).between(user_id, first_day, last_day)
        return [ExchangeView.of(row) for row in rows]


async def export_exchanges(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """Every exchange of the learner, oldest first, for /export."""
    rows = await VisionRepository(session).all_for_user(user_id)
    return [ExchangeView.of(row).as_export() for row in rows]


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
