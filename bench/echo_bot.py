"""The baseline: a bare python-telegram-bot echo bot, as in the library's own examples.

`python -m bench.echo_bot [--concurrent]` with TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set.
/start replies with one inline button; a press is answered and acknowledged with a message;
any other text is echoed. No database, no rate limiter.
"""

from __future__ import annotations

import argparse
import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with a button."""
    assert update.effective_message
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("again", callback_data="again")]])
    await update.effective_message.reply_text("hello", reply_markup=markup)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and say so."""
    query = update.callback_query
    assert query and update.effective_chat
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, f"pressed {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    assert message and message.text
    await message.reply_text(message.text)


def main() -> None:
    """Poll until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot")
    parser.add_argument("--concurrent", action="store_true", help="handle updates concurrently")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    api = os.environ["TELEGRAM_API_URL"]
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(args.concurrent)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(press))
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
