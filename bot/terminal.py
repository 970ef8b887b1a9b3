"""The offline terminal chat: the bot, the Bot API emulator and you, in one process.

Started by `python -m bot` when no TELEGRAM_BOT_TOKEN is set. You type as a Telegram user
would; the bot's replies print below, with their buttons numbered.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import shlex
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import build_application
from bot.polling import serve
from coach.settings import Settings
from db.repositories import UpdateInbox
from emulator import BotApiEmulator, SentMessage
from jobs.services import Services, build_services

TERMINAL_TOKEN = "100000001:TERMINAL-CHAT-OFFLINE"
TERMINAL_USER_ID = 10001
DOWNLOADS = Path("var/downloads")
LOG_FILE = Path("var/terminal-chat.log")

INTRO = """\
Study Coach — terminal chat (offline, through the built-in Bot API emulator)
Type messages and /commands as in Telegram; /start to begin, /help for the commands.
  :b N              press button N of the latest message that has buttons
  :photo PATH [caption]   send a photo      :doc PATH [caption]   send a document
  :poll N [N …]     answer the latest poll with option(s) N (1-based)
  :quit             leave (Ctrl-D works too)
The bot's log is in var/terminal-chat.log.
"""
# At the end of piped input, the chat waits for the bot to go quiet this long before leaving
# (so the last lines are answered), but never longer than SETTLE_LIMIT_SECONDS.
SETTLE_QUIET_SECONDS = 2.0
SETTLE_LIMIT_SECONDS = 120.0


class TerminalChat:
    """Prints what the bot sends and turns typed lines into user updates."""

    def __init__(self, emulator: BotApiEmulator, user_id: int) -> None:
        self.emulator = emulator
        self.user = emulator.user(user_id, first_name="You", language_code="zh")
        self.buttons: list[tuple[SentMessage, str]] = []
        self.latest_poll: SentMessage | None = None
        self.shown_text: dict[int, str] = {}
        self.last_shown = time.monotonic()
        emulator.on_bot_message(self.show)

    def show(self, message: SentMessage, event: str) -> None:
        """Print one message from the bot (or its edit)."""
        if message.chat_id != self.user.id or event == "deleted":
            return
        self.last_shown = time.monotonic()
        body = message.text or message.caption or ""
        if event == "edited" and self.shown_text.get(message.message_id) == body:
            return  # only the buttons went away
        self.shown_text[message.message_id] = body
        prefix = "🤖 (edited) " if event == "edited" else "🤖 "
        print(f"\n{prefix}{body}".rstrip())
        if message.document is not None:
            DOWNLOADS.mkdir(parents=True, exist_ok=True)
            path = DOWNLOADS / (message.file_name or f"document-{message.message_id}")
            path.write_bytes(message.document)
            print(f"   📎 {message.file_name} saved to {path}")
        if message.photo is not None:
            DOWNLOADS.mkdir(parents=True, exist_ok=True)
            path = DOWNLOADS / f"photo-{message.message_id}.jpg"
            path.write_bytes(message.photo)
            print(f"   🖼  photo saved to {path}")
        if message.poll is not None:
            self.latest_poll = message
            print(f"   📊 {message.poll.get('question', '')}")
            for number, option in enumerate(message.poll.get("options", []), 1):
                print(f"      ({number}) {option.get('text', '')}")
            print("   answer with :poll N")
        if message.buttons:
            self.buttons = [(message, data) for _, data in message.buttons]
            labels = "   ".join(f"[{n}] {text}" for n, (text, _) in enumerate(message.buttons, 1))
            print(f"   {labels}")
        print("> ", end="", flush=True)

    async def settle(
        self, unhandled: Callable[[], Awaitable[int]], bot_task: asyncio.Task[None]
    ) -> None:
        """Wait until the bot has fetched and handled everything sent, then stayed quiet."""
        self.last_shown = time.monotonic()
        deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
        while time.monotonic() < deadline and not bot_task.done():
            quiet = time.monotonic() - self.last_shown >= SETTLE_QUIET_SECONDS
            if quiet and not self.emulator.pending_updates() and not await unhandled():
                return
            await asyncio.sleep(0.1)

    def handle(self, line: str) -> bool:
        """Act on one typed line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith(":"):
            self.user.send_text(line)
            return True
        try:
            words = shlex.split(line[1:])
        except ValueError as error:
            print(f"   ⚠ {error}")
            return True
        command, args = (words[0].lower(), words[1:]) if words else ("", [])
        try:
            if command in ("q", "quit", "exit"):
                return False
            if command in ("b", "button", "press"):
                self._press(args)
            elif command in ("photo", "doc"):
                self._send_file(command, args)
            elif command == "poll":
                self._answer_poll(args)
            else:
                print("   ⚠ unknown terminal command; see the list at the top")
        except (ValueError, IndexError, OSError) as error:
            print(f"   ⚠ {error}")
        return True

    def _press(self, args: list[str]) -> None:
        number = int(args[0]) if args else 0
        if not 1 <= number <= len(self.buttons):
            raise ValueError(f"no button {number}; the latest message has {len(self.buttons)}")
        message, data = self.buttons[number - 1]
        self.user.press(message, data)

    def _send_file(self, kind: str, args: list[str]) -> None:
        if not args:
            raise ValueError(f"usage: :{kind} PATH [caption]")
        path = Path(args[0]).expanduser()
        data = path.read_bytes()
        caption = " ".join(args[1:]) or None
        if kind == "photo":
            self.user.send_photo(data, caption=caption)
        else:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.user.send_document(data, path.name, mime, caption=caption)

    def _answer_poll(self, args: list[str]) -> None:
        if self.latest_poll is None or self.latest_poll.poll is None:
            raise ValueError("no poll to answer yet")
        options = [int(arg) - 1 for arg in args]
        self.user.answer_poll(str(self.latest_poll.poll["id"]), options)


async def _inbox_size(services: Services) -> int:
    """Updates the bot has fetched but not finished handling."""
    async with services.database.session() as session:
        return await UpdateInbox(session).size()


def _read_lines(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Feed stdin into the event loop from a daemon thread (input() would block the loop)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(lines.put_nowait, line)
    loop.call_soon_threadsafe(lines.put_nowait, None)


async def run_terminal_chat(settings: Settings) -> None:
    """Start the emulator and the bot, then chat until :quit or end of input."""
    emulator = BotApiEmulator(token=TERMINAL_TOKEN, bot_username="study_coach_bot")
    await emulator.start(host="127.0.0.1", port=0)
    settings = settings.model_copy(update={"telegram_api_url": emulator.base_url})
    services = build_services(settings)
    application = build_application(services, TERMINAL_TOKEN)
    stop = asyncio.Event()
    bot_task = asyncio.create_task(serve(application, stop, poll_timeout=10))
    chat = TerminalChat(emulator, TERMINAL_USER_ID)
    print(INTRO)
    print("> ", end="", flush=True)
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    threading.Thread(target=_read_lines, args=(loop, lines), daemon=True).start()
    # Piped input is a script: its `:b N` means a button of the answer to the lines before.
    scripted = not sys.stdin.isatty()
    try:
        while not bot_task.done():
            line = await lines.get()
            if line is None:
                # End of input (a pipe, or Ctrl-D): answer what was sent before leaving.
                await chat.settle(lambda: _inbox_size(services), bot_task)
                break
            if scripted and line.lstrip().startswith(":"):
                await chat.settle(lambda: _inbox_size(services), bot_task)
            if not chat.handle(line):
                break
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await bot_task
        await services.close()
        await emulator.stop()
    if bot_task.done() and not bot_task.cancelled() and bot_task.exception() is not None:
        raise bot_task.exception()  # type: ignore[misc]
