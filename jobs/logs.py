"""Logging set-up that keeps the bot token and every secret setting out of every log line.

Redaction happens when a record is created (a log record factory), not in one handler, so
whatever handler ends up writing the record — stderr, a file, pytest's capture — never sees
the secret: not in the message, not in its arguments, not in a traceback.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Bot API URLs carry the token: /bot123456:ABC-def/sendMessage.
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
REDACTED = "<redacted>"
# Shorter values are not worth redacting and would mangle ordinary words.
MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """`text` with bot tokens in URLs and every registered secret replaced."""
    text = _TOKEN_IN_URL.sub("bot<token>", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def protect_secrets(values: Iterable[str]) -> None:
    """Keep these values out of every log record from now on (idempotent)."""
    global _installed
    with _lock:
        _secrets.update(value for value in values if len(value) >= MIN_SECRET_LENGTH)
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is logging's problem to report, not ours
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        # Tracebacks quote exception messages, which may quote URLs; format them now, clean.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactTokens(logging.Filter):
    """Replace bot tokens and registered secrets in a record that reaches this handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
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
