"""Photos and image documents for the vision models, and /vision."""

from __future__ import annotations

from telegram import Message
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.handling import Decided, Turn, handler
from bot.vision_dispatch import PhotoDispatcher
from coach.messages import t
from coach.replies import Answer
from coach.vision.render import vision_help
from coach.vision.requests import PhotoSize, largest_fetchable
from coach.vision.service import DailyLimitReached, IncomingPhoto
from jobs.context import CoachApplication


def register(application: CoachApplication) -> None:
    """Photos (and images sent as files) go to the models; /vision explains the feature."""
    dispatcher = PhotoDispatcher(application)
    handlers = PhotoHandlers(dispatcher)
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("vision", vision_command, filters=new))
    application.add_handler(
        MessageHandler(new & (filters.PHOTO | filters.Document.IMAGE), handler(handlers.photo))
    )
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is installed"
    job_queue.run_once(dispatcher.recover, when=0, name="vision-recover")


class PhotoHandlers:
    """The photo handler, bound to the dispatcher that answers in the background."""

    def __init__(self, dispatcher: PhotoDispatcher) -> None:
        self.dispatcher = dispatcher

    async def photo(self, turn: Turn) -> Answer:
        """Record the photo as pending and, once committed, hand it to the dispatcher."""
        message = turn.message
        profile = await turn.profile()
        vision = turn.services.vision
        size = _fetchable_size(message)
        refusal: str | None = None
        if not vision.configured:
            refusal = t(profile.language, "vision.not_configured")
        elif size is None:
            refusal = t(profile.language, "vision.too_big")
        else:
            photo = IncomingPhoto(
                chat_id=message.chat_id,
                message_id=message.message_id,
                file_id=size.file_id,
                file_unique_id=size.file_unique_id,
                media_group_id=message.media_group_id,
                caption=message.caption,
            )
            outcome = await vision.accept(turn.session, profile, photo)
            if isinstance(outcome, DailyLimitReached):
                refusal = t(profile.language, "vision.limit", limit=outcome.limit)
            else:
                exchange_id, chat_id = outcome.exchange_id, message.chat_id
                album = message.media_group_id
                turn.after_commit(lambda: self.dispatcher.submit(chat_id, exchange_id, album))
        if refusal is not None and self.dispatcher.first_refusal(message.media_group_id):
            return Answer.of(refusal)
        return Answer()


def _fetchable_size(message: Message) -> PhotoSize | None:
    """The largest size of the photo (or the image document) that getFile may fetch."""
    if message.photo:
        sizes = [
            PhotoSize(p.file_id, p.file_unique_id, p.width, p.height, p.file_size)
            for p in message.photo
        ]
    else:
        document = message.document
        assert document is not None
        sizes = [PhotoSize(document.file_id, document.file_unique_id, 0, 0, document.file_size)]
    return largest_fetchable(sizes)


@handler
async def vision_command(turn: Turn) -> Decided:
    """How photos work, which models answer, and how many photos are left today."""
    profile = await turn.profile()
    vision = turn.services.vision
    used = await vision.used_today(turn.session, profile)
    admin = profile.user_id in turn.services.settings.admin_users
    # Asking the worker which models it serves is an HTTP call: hold no transaction.
    await turn.pause_for_slow_io()
    text = await vision_help(vision, profile.language, used, admin=admin)
    if not await turn.resume():
        return None
    return text
