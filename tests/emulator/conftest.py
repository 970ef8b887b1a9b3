"""Fixtures for the emulator tests: a running emulator and a PTB Bot pointed at it."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from telegram import Bot

from emulator import BotApiEmulator

TOKEN = "123456:TEST-TOKEN"
BOT_USERNAME = "study_coach_bot"


def _png(width: int, height: int) -> bytes:
    """A valid, blank RGBA PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x00" * 4 * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """A started emulator, stopped after the test."""
    emulator = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


def _bot_for(emulator: BotApiEmulator) -> Bot:
    return Bot(
        emulator.token,
        base_url=f"{emulator.base_url}/bot",
        base_file_url=f"{emulator.base_url}/file/bot",
    )


@pytest.fixture
def make_png() -> Callable[[int, int], bytes]:
    """Factory for valid PNG bytes of a given size."""
    return _png


@pytest.fixture
def bot_factory(emu: BotApiEmulator) -> Callable[[], Bot]:
    """Factory for fresh (uninitialized) PTB Bots pointed at the emulator, e.g. a restarted bot."""
    return lambda: _bot_for(emu)


@pytest_asyncio.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """An initialized PTB Bot configured like the real bot, but talking to the emulator."""
    async with _bot_for(emu) as client:
        yield client
