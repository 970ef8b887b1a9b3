"""`python -m bot`: run against Telegram with a token, or offline as a terminal chat without one."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Sequence

from bot.app import build_application
from bot.polling import serve
from coach.settings import Settings
from coach.vision.service import setup_warning
from db.migrate import upgrade_in_child
from jobs.logs import configure_logging
from jobs.services import build_services

log = logging.getLogger("bot")


async def run_bot(settings: Settings, token: str) -> None:
    """Serve Telegram (or whatever TELEGRAM_API_URL names) until SIGINT or SIGTERM."""
    services = build_services(settings)
    application = build_application(services, token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if settings.webhook_url is not None:
            # Imported only here: aiohttp's server (about 9 MiB) serves webhooks only.
            from bot.webhook import serve_webhook

            await serve_webhook(application, stop)
        else:
            await serve(application, stop)
    finally:
        await services.close()


def _warn_about_set_up(settings: Settings) -> None:
    """Once at start-up: what the operator could configure (learners are never told this)."""
    warning = setup_warning(settings.vision_url, settings.vlm_base_url)
    if warning is not None:
        log.warning(warning)


def main(argv: Sequence[str] | None = None) -> None:
    """Read the settings, migrate the database, and run."""
    argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "Run Study Coach. Configuration comes from the environment and .env "
            "(see .env.example): with TELEGRAM_BOT_TOKEN it serves Telegram by long polling, "
            "or by webhook when TELEGRAM_WEBHOOK_URL is set; without a token it opens the "
            "offline terminal chat."
        ),
    ).parse_args(argv)
    settings = Settings()
    if settings.telegram_bot_token is None:
        from bot.terminal import LOG_FILE, run_terminal_chat

        # The terminal is the chat window; logs go to a file instead.
        configure_logging(settings.log_level, LOG_FILE)
        _warn_about_set_up(settings)
        upgrade_in_child(settings.database_url)
        asyncio.run(run_terminal_chat(settings))
        return
    configure_logging(settings.log_level)
    _warn_about_set_up(settings)
    upgrade_in_child(settings.database_url)
    mode = "webhook" if settings.webhook_url else "long polling"
    log.info("starting (%s); Bot API at %s", mode, settings.telegram_api_url)
    asyncio.run(run_bot(settings, settings.telegram_bot_token.get_secret_value()))


if __name__ == "__main__":
    main()
