"""Telegram Bot API emulator for running the bot offline against schema-checked fakes."""

from emulator.emulator import BotApiEmulator
from emulator.models import SentMessage
from emulator.params import UploadedFile
from emulator.schema import BotApiSchema, default_schema_path
from emulator.user import EmulatedUser

__all__ = [
    "BotApiEmulator",
    "BotApiSchema",
    "EmulatedUser",
    "SentMessage",
    "UploadedFile",
    "default_schema_path",
]
