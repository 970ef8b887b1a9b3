"""Photos go to the vision models in the background, so a slow model never holds up the bot.

The handler records each photo as pending and commits; this dispatcher then fetches it from
Telegram, asks the model (showing "typing" meanwhile), stores the answer, and replies. The
photos of an album are gathered first so the album's caption applies to each of them. What a
crash interrupts is still in the database: `recover` finishes it at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from telegram import ReplyParameters
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError

from coach.messages import t
from coach.vision.render import reply_text
from coach.vision.service import ExchangeView, ModelAnswer, ModelFailed, VisionJob
from jobs.context import CoachApplication, CoachContext
from jobs.services import Services

log = logging.getLogger(__name__)

# An album's photos arrive as separate updates; this much quiet means all of them are in.
ALBUM_SETTLE_SECONDS = 1.0
# Telegram shows "typing" for about 5 seconds per chat action.
TYPING_EVERY_SECONDS = 4.5
# Albums already refused (limit reached, nothing configured): one message per album is enough.
REMEMBERED_REFUSALS = 200


@dataclass
class _Album:
    chat_id: int
    exchange_ids: list[int] = field(default_factory=list)
    # Set by every photo that joins; the album is complete once it stays unset for a while.
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


class PhotoDispatcher:
    """Runs accepted photos through the models and replies; one per application."""

    def __init__(self, application: CoachApplication) -> None:
        self._application = application
        self._albums: dict[tuple[int, str], _Album] = {}
        # Photos stored before this instant and still unanswered are a stopped bot's backlog.
        self._started_at = self._services.clock.now()
        self._refused: deque[str] = deque(maxlen=REMEMBERED_REFUSALS)

    @property
    def _services(self) -> Services:
        services = self._application.bot_data.services
        if services is None:
            raise RuntimeError("services are attached in build_application")
        return services

    def first_refusal(self, media_group_id: str | None) -> bool:
        """Whether to say why a photo was refused: always, but only once per album."""
        if media_group_id is None:
            return True
        if media_group_id in self._refused:
            return False
        self._refused.append(media_group_id)
        return True

    def submit(self, chat_id: int, exchange_id: int, media_group_id: str | None) -> None:
        """Answer an accepted photo: now, or with its album once the album is complete."""
        if media_group_id is None:
            self._application.create_task(self._answer_group(chat_id, [exchange_id]))
            return
        key = (chat_id, media_group_id)
        album = self._albums.get(key)
        if album is None:
            album = self._albums[key] = _Album(chat_id)
            self._application.create_task(self._collect_album(key, album))
        album.exchange_ids.append(exchange_id)
        album.arrived.set()

    async def recover(self, context: CoachContext) -> None:
        """At start-up: answer photos a stopped bot left pending, deliver replies it owed."""
        services = self._services
        async with services.database.session() as session:
            backlog = await services.vision.backlog(session, self._started_at)
            languages = {
                view.user_id: await services.learners.language_of(session, view.user_id)
                for view in backlog.owed
            }
        if backlog.pending or backlog.owed:
            log.info(
                "resuming %d unanswered photo groups and %d undelivered replies",
                len(backlog.pending),
                len(backlog.owed),
            )
        for view in backlog.owed:
            await self._reply(view, languages[view.user_id])
        for group in backlog.pending:
            self._application.create_task(
                self._answer_group(group.chat_id, list(group.exchange_ids))
            )

    # -- the work -------------------------------------------------------------------------------

    async def _collect_album(self, key: tuple[int, str], album: _Album) -> None:
        async with self._typing(album.chat_id):
            while True:
                album.arrived.clear()
                try:
                    await asyncio.wait_for(album.arrived.wait(), ALBUM_SETTLE_SECONDS)
                except TimeoutError:
                    break
            del self._albums[key]
            await self._run(album.chat_id, album.exchange_ids)

    async def _answer_group(self, chat_id: int, exchange_ids: Sequence[int]) -> None:
        async with self._typing(chat_id):
            await self._run(chat_id, exchange_ids)

    async def _run(self, chat_id: int, exchange_ids: Sequence[int]) -> None:
        services = self._services
        try:
            async with services.database.session() as session:
                prepared = await services.vision.prepare(session, exchange_ids)
                await session.commit()
            if prepared.refused is not None:
                await self._reply(prepared.refused, prepared.language)
                return
            await asyncio.gather(*(self._answer(job) for job in prepared.jobs))
        except Exception:
            # The photos stay pending in the database; the next start tries them again.
            log.exception("answering photos %s failed", list(exchange_ids))
            language = services.settings.language
            with contextlib.suppress(TelegramError):
                await self._application.bot.send_message(chat_id, t(language, "error.generic"))

    async def _answer(self, job: VisionJob) -> None:
        services = self._services
        image = await self._download(job.file_id)
        outcome: ModelAnswer | ModelFailed = ModelFailed("download")
        if image is not None:
            outcome = await services.vision.answer(job, image)
        async with services.database.session() as session:
            view = await services.vision.record(session, job.exchange_id, outcome)
            await session.commit()
        if view is not None:
            await self._reply(view, job.language)

    async def _download(self, file_id: str) -> bytes | None:
        try:
            telegram_file = await self._application.bot.get_file(file_id)
            return bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            log.warning("could not download photo %s: %s", file_id, error)
            return None

    async def _reply(self, view: ExchangeView, language: str) -> None:
        """Answer the photo's message; mark it delivered only once Telegram took it."""
        services = self._services
        text = reply_text(language, view, services.settings.vision_timeout)
        try:
            await self._application.bot.send_message(
                view.chat_id,
                text,
                reply_parameters=ReplyParameters(view.message_id, allow_sending_without_reply=True),
            )
        except Forbidden:
            log.info(
                "chat %s blocked the bot; the reply to photo %s is dropped", view.chat_id, view.id
            )
        except TelegramError as error:
            # Left owed: the next start delivers it.
            log.warning("could not reply to photo %s: %s", view.id, error)
            return
        async with services.database.session() as session:
            await services.vision.mark_replied(session, view.id)
            await session.commit()

    @contextlib.asynccontextmanager
    async def _typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing" in the chat for as long as the block runs."""
        task = asyncio.create_task(self._keep_typing(chat_id))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep_typing(self, chat_id: int) -> None:
        while True:
            try:
                await self._application.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:
                log.debug("typing indicator failed: %s", error)
            await asyncio.sleep(TYPING_EVERY_SECONDS)
