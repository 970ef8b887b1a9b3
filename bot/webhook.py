"""Webhook mode: Telegram POSTs each update to us, and hears back only after it was handled.

python-telegram-bot's own webhook server answers 200 as soon as an update is queued, so a
crash mid-handling would lose it. This server awaits the handlers first: a failure or a
crash leaves Telegram without a 2xx, Telegram delivers the update again (to any replica
behind the load balancer), and the update ledger (`bot.handling.with_session`) makes sure
nothing is done twice. Requests without the secret token we gave `setWebhook` get 403.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from coach.settings import Settings
from jobs.context import CoachApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates are small; Telegram never sends anything near this.
MAX_UPDATE_BYTES = 1024 * 1024
# On shutdown, updates being handled get this long to finish before the server closes.
SHUTDOWN_GRACE_SECONDS = 10.0


class WebhookServer:
    """An aiohttp server that feeds verified updates to the application, one request each."""

    def __init__(self, application: CoachApplication, secret: str, path: str = "/") -> None:
        self.application = application
        self._secret = secret.encode()
        self.path = path or "/"
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def build_app(self) -> web.Application:
        """The web application: POST on the webhook path."""
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.path, self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """Check the secret, parse the update, handle it, then answer."""
        offered = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(offered, self._secret):
            log.warning("refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(await request.read())
            if not isinstance(payload, dict):
                raise ValueError("an update is a JSON object")
            update = Update.de_json(payload, self.application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("refused a malformed webhook update: %s", error)
            return web.Response(status=400, text="malformed update")
        # Handler errors are caught and reported by the application's error handler; what
        # escapes here (shutdown, cancellation) leaves Telegram without a 2xx, so it retries.
        await self.application.process_update(update)
        return web.Response(status=200)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0 picks a free port); returns the bound port."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        runner = web.AppRunner(
            self.build_app(), access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self.port = int(sock.getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stop accepting updates; those in flight get a short grace period."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


async def serve_webhook(application: CoachApplication, stop: asyncio.Event) -> None:
    """Run the application behind the webhook server until `stop` is set."""
    services = application.bot_data.services
    assert services is not None, "services are attached in build_application"
    settings: Settings = services.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    server = WebhookServer(application, secret, urlsplit(settings.webhook_url).path)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        port = await server.start(settings.webhook_listen, settings.webhook_port)
        # Listening before setWebhook: the first update may come right after.
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=settings.webhook_max_connections,
        )
        log.info("webhook mode: listening on %s:%s%s", settings.webhook_listen, port, server.path)
        await stop.wait()
    finally:
        # The webhook stays set: other replicas keep serving, and Telegram holds updates
        # for a restarted one.
        await server.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
