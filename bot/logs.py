"""Logging set-up that keeps the bot token out of every log line."""

from __future__ import annotations

import logging
import re
from pathlib import Path

# Bot API URLs carry the token: /bot123456:ABC-def/sendMessage.
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")


class RedactTokens(logging.Filter):
    """Replace bot tokens in a record's message with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_IN_URL.search(message):
            record.msg = _TOKEN_IN_URL.sub("bot<token>", message)
            record.args = None
        return True


def configure_logging(level: str, file: Path | None = None) -> None:
    """Log at `level` to stderr (or to `file`); HTTP and scheduler chatter only on warnings."""
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler()
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.addFilter(RedactTokens())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
