"""A full PTB Application polling the emulator: commands, buttons and callback answers."""

from __future__ import annotations

import asyncio

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from emulator import BotApiEmulator, SentMessage

pytestmark = pytest.mark.asyncio


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Begin", callback_data="begin")]])
    await update.message.reply_text(
        f"Hello {update.message.from_user.first_name}", reply_markup=buttons
    )  # type: ignore[union-attr]


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Started")
    await query.edit_message_text(f"Block started ({query.data})")


async def test_application_polls_and_handles_updates(emu: BotApiEmulator) -> None:
    edited = asyncio.Event()

    def on_message(message: SentMessage, event: str) -> None:
        if event == "edited":
            edited.set()

    emu.on_bot_message(on_message)
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    user = emu.user(3003, first_name="Ana")
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            user.send_text("/start@study_coach_bot")
            greeting = await user.next_message(timeout=5)
            assert greeting.text == "Hello Ana"
            user.press(greeting, "Begin")
            await asyncio.wait_for(edited.wait(), 5)
            assert greeting.text == "Block started (begin)" and greeting.buttons == []
            assert [a["text"] for a in user.callback_answers] == ["Started"]
        finally:
            await app.updater.stop()
            await app.stop()
    # The updater confirms what it processed when it stops.
    assert emu.pending_updates() == []
    assert emu.violations == []
