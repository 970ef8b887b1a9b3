"""A trivial round-robin load balancer for webhook replicas, as a real deployment has."""

from __future__ import annotations

import itertools
import logging

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)

# Headers worth passing on; hop-by-hop ones are not.
FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobin:
    """Forwards each POST to the next backend in turn; a dead backend answers 502."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self.routed: list[tuple[str, int]] = []
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self, path: str = "/") -> str:
        """Listen on a free loopback port; returns the URL to give setWebhook."""
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post(path, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}{path}"
        return self.url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        backend = self.backends[next(self._next)]
        headers = {key: request.headers[key] for key in FORWARDED if key in request.headers}
        body = await request.read()
        try:
            async with self._client.post(backend, data=body, headers=headers) as response:
                payload = await response.read()
                self.routed.append((backend, response.status))
                return web.Response(status=response.status, body=payload)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("backend %s unreachable: %s", backend, error)
            self.routed.append((backend, 502))
            return web.Response(status=502, text="bad gateway")
