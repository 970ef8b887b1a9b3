"""Photos and image documents for the vision models, and /vision."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import CoachApplication, CoachContext
from bot.handling import identity, with_session
from bot.vision_dispatch import PhotoDispatcher
from coach.messages import t
from coach.vision import DailyLimitReached, IncomingPhoto
from coach.vision_render import vision_help
from coach.vision_requests import PhotoSize, largest_fetchable


def register(application: CoachApplication) -> None:
    """Photos (and images sent as files) go to the models; /vision explains the feature."""
    dispatcher = PhotoDispatcher(application)
    handlers = PhotoHandlers(dispatcher)
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("vision", vision_command, filters=new))
    application.add_handler(
        MessageHandler(new & (filters.PHOTO | filters.Document.IMAGE), with_session(handlers.photo))
    )
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is installed"
    job_queue.run_once(dispatcher.recover, when=0, name="vision-recover")


class PhotoHandlers:
    """The photo handler, bound to the dispatcher that answers in the background."""

    def __init__(self, dispatcher: PhotoDispatcher) -> None:
        self.dispatcher = dispatcher

    async def photo(self, update: Update, context: CoachContext, session: AsyncSession) -> None:
        """Record the photo as pending, commit, and hand it to the dispatcher."""
        message = update.effective_message
        assert message
        profile = await context.coach.profile(session, identity(update))
        vision = context.services.vision
        size = _fetchable_size(message)
        refusal: str | None = None
        exchange_id: int | None = None
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
            outcome = await vision.accept(session, profile, photo)
            if isinstance(outcome, DailyLimitReached):
                refusal = t(profile.language, "vision.limit", limit=outcome.limit)
            else:
                exchange_id = outcome.exchange_id
        await session.commit()
        if exchange_id is not None:
            self.dispatcher.submit(message.chat_id, exchange_id, message.media_group_id)
        elif refusal is not None and self.dispatcher.first_refusal(message.media_group_id):
            await message.reply_text(refusal)


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


@with_session
async def vision_command(update: Update, context: CoachContext, session: AsyncSession) -> None:
    """How photos work, which models answer, and how many photos are left today."""
    message = update.effective_message
    assert message
    who = identity(update)
    profile = await context.coach.profile(session, who)
    vision = context.services.vision
    used = await vision.used_today(session, profile)
    await session.commit()
    language = profile.language
    admin = who.user_id in context.services.settings.admin_users
    await message.reply_text(await vision_help(vision, language, used, admin=admin))
