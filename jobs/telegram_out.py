"""The one place where the coach's replies become Bot API calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

from telegram import Bot as TelegramBot
from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Poll,
)

from coach.replies import Keyboard, Reply

OptionId = Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
# Telegram's limit on a photo's or a document's caption.
MAX_CAPTION = 1024


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for the coach's buttons (None for none)."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.text, callback_data=button.data) for button in row]
            for row in keyboard
        ]
    )


async def send_reply(bot: TelegramBot, chat_id: int, reply: Reply) -> Message:
    """Send one reply to `chat_id` (the reply's own chat, when it names one, wins)."""
    chat = reply.chat_id if reply.chat_id is not None else chat_id
    reply_markup: InlineKeyboardMarkup | ForceReply | None = markup(reply.keyboard)
    if reply.force_reply and reply_markup is None:
        reply_markup = ForceReply(selective=True)
    if reply.poll is not None:
        poll = reply.poll
        return await bot.send_poll(
            chat,
            question=poll.question,
            options=list(poll.options),
            is_anonymous=False,
            type=Poll.QUIZ,
            correct_option_ids=cast(Sequence[OptionId], list(poll.correct_option_ids)),
            explanation=poll.explanation,
        )
    attachment = reply.attachment
    if attachment is None:
        return await bot.send_message(chat, reply.text, reply_markup=reply_markup)
    caption = reply.text[:MAX_CAPTION] or None
    file = InputFile(attachment.content, filename=attachment.filename)
    if attachment.kind == "photo":
        return await bot.send_photo(chat, file, caption=caption, reply_markup=reply_markup)
    return await bot.send_document(chat, file, caption=caption, reply_markup=reply_markup)
