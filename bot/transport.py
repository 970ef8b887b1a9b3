"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

PTB's default transport (HTTPXRequest: httpx over httpcore, pure Python) costs about three
times the CPU per Bot API call of an aiohttp session (`python -m bench.transport`), and the
bot makes one or more calls per update. `AiohttpRequest` sends the same requests
(form-encoded parameters, multipart uploads, the same User-Agent) and raises the same errors
as HTTPXRequest: any timeout is `TimedOut` (a send that timed out may have been delivered,
so bot.sending does not repeat it at once), any other transport failure is `NetworkError`
(retried at once, a few times).
"""

from __future__ import annotations

import asyncio
import functools
import re
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from jobs.logs import redact

# PTB's own words (HTTPXRequest), so a log reads the same whichever transport is in use.
POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram. Consider adjusting the connection "
    "pool size or the pool timeout."
)
_FORM = "application/x-www-form-urlencoded"
# Bytes per second an upload may be as slow as (see `_client_timeout`).
SLOWEST_UPLOAD = 16 * 1024
_PROXY_SCHEMES = ("http", "https", "all")
# How httpx escapes a multipart file name (HTML5 form encoding): quotes and control
# characters are percent-escaped, anything else (a learner's 学习计划.md) is sent as UTF-8.
_FILENAME_ESCAPES = {'"': "%22"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
_FILENAME_ESCAPE_RE = re.compile("|".join(map(re.escape, _FILENAME_ESCAPES)))


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on one `aiohttp.ClientSession`, like HTTPXRequest.

    Timeouts mean what they mean for HTTPXRequest (defaults too): `connect_timeout` for
    opening a connection, `read_timeout` for each wait on the server's answer (a getUpdates
    long poll passes poll timeout + this), `pool_timeout` for a free connection when all
    `connection_pool_size` are busy, `write_timeout` (`media_write_timeout` for uploads) for
    sending the request. aiohttp has no write timeout (see `_client_timeout`).

    Like HTTPXRequest it honours HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY and
    SSL_CERT_FILE / SSL_CERT_DIR from the environment (httpx's `trust_env`), and otherwise
    verifies TLS against certifi's certificates.
    """

    __slots__ = (
        "_connect_timeout",
        "_env_proxies",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxy_by_origin",
        "_read_timeout",
        "_session",
        "_shut_down",
        "_slots",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._shut_down = False
        self._env_proxies: dict[str, str] = {}
        self._proxy_by_origin: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call passes none (see BaseRequest.read_timeout)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (one connection pool); again after `shutdown()`."""
        if self._session is not None and not self._session.closed:
            return
        self._env_proxies = {
            scheme: url
            for scheme, url in urllib.request.getproxies_environment().items()
            if scheme in _PROXY_SCHEMES
        }
        self._proxy_by_origin = {}
        self._slots = asyncio.Semaphore(self._pool_size)
        self._session = aiohttp.ClientSession(
            # The pool wait itself is `_slots` (see do_request); the connector's own limit
            # is the same number, so it never makes a request wait.
            connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls_context()),
            headers={"User-Agent": self.USER_AGENT},
            # Telegram sets no cookies; a real jar would be consulted on every request.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        self._shut_down = False

    async def shutdown(self) -> None:
        """Close the session and its connections (a second call does nothing)."""
        self._shut_down = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; the status and the body of the answer (see BaseRequest)."""
        session = self._session
        if session is None:
            if self._shut_down:
                raise RuntimeError("This AiohttpRequest is not initialized!")
            # Usable before initialize(), as HTTPXRequest is (its client exists from the start).
            await self.initialize()
            session = self._session
            assert session is not None
        slots = self._slots
        assert slots is not None

        files = request_data.multipart_data if request_data is not None else None
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, DefaultValue):
            pool_timeout = self._pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write_timeout = self._media_write_timeout if files else self._write_timeout
        upload = _upload_bytes(files) if files else 0
        timeout = _client_timeout(connect_timeout, read_timeout, write_timeout, upload)

        # Waiting for a free connection is its own timeout, with its own message (nothing
        # was sent). aiohttp's connector would lump that wait into its connect timeout, so
        # the pool is counted here and the connector, as large, never waits.
        if slots.locked():
            try:
                async with asyncio.timeout(pool_timeout):
                    await slots.acquire()
            except TimeoutError as err:
                raise TimedOut(POOL_TIMEOUT_MESSAGE) from err
        else:
            await slots.acquire()  # free: returns at once
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data, files),
                timeout=timeout,
                proxy=self._proxy(url),
                # httpx follows no redirects either; the Bot API does not send any.
                allow_redirects=False,
            ) as response:
                return response.status, await response.read()
        # First: aiohttp's timeouts (ServerTimeoutError and its kinds) are also
        # ClientConnectionErrors, and a timeout must never look like a failed send.
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # Some of aiohttp's messages quote the URL, and so the token; httpx's do not.
            # Error texts are logged and stored (a failed scheduled message's reason).
            raise NetworkError(redact(f"aiohttp.{type(err).__name__}: {err}")) from err
        except Exception as err:
            # PTB would wrap it as "Unknown error in HTTP implementation: …" unredacted.
            raise NetworkError(redact(f"{type(err).__name__}: {err}")) from err
        finally:
            slots.release()

    def _proxy(self, url: str) -> str | None:
        """The proxy httpx's trust_env would use for `url`; None at once when none is set."""
        if not self._env_proxies:
            return None
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self._proxy_by_origin:
            proxy = self._env_proxies.get(parts.scheme) or self._env_proxies.get("all")
            if proxy is not None and urllib.request.proxy_bypass(parts.hostname or ""):
                proxy = None
            self._proxy_by_origin[origin] = proxy
        return self._proxy_by_origin[origin]


def _body(
    request_data: RequestData | None, files: dict[str, Any] | None
) -> aiohttp.FormData | aiohttp.BytesPayload | None:
    """What HTTPXRequest sends: the parameters form-encoded, or multipart with the files."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    if not files:
        if not parameters:
            return None  # no body at all (getMe), as httpx
        # Encoded here: the same bytes aiohttp's FormData would make of the dict, at a
        # fraction of its cost per call.
        return aiohttp.BytesPayload(urlencode(parameters).encode(), content_type=_FORM)
    # Unquoted: aiohttp would otherwise percent-encode a file name ("%E5%AD%A6.md"), which
    # Telegram would show as it is; httpx sends it as UTF-8 (escaped as HTML5 forms do).
    form = aiohttp.FormData(quote_fields=False)
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        escaped = _FILENAME_ESCAPE_RE.sub(lambda match: _FILENAME_ESCAPES[match[0]], filename)
        form.add_field(name, content, filename=escaped, content_type=mime_type)
    return form


def _upload_bytes(files: dict[str, Any]) -> int:
    """How many bytes the files carry (PTB reads them into memory; a stream counts 0)."""
    return sum(len(content) for _, content, _ in files.values() if isinstance(content, bytes))


@functools.lru_cache(maxsize=64)
def _client_timeout(
    connect: float | None, read: float | None, write: float | None, upload_bytes: int
) -> aiohttp.ClientTimeout:
    """The aiohttp timeouts for HTTPXRequest's (few distinct ones: cached).

    `sock_connect` bounds each connection attempt, `connect` the whole of getting one
    (DNS included, as httpx's connect timeout does; the pool wait is counted apart), and
    `sock_read` each wait for the answer, from when the request has been written (so a
    long poll may wait `read`). aiohttp cannot bound a single write: a small request fits
    in the socket's buffer at once, and an upload (whose write could stall) is bounded as
    a whole instead: connect + write + read, plus a second for every `SLOWEST_UPLOAD`
    bytes it carries. A stalled upload ends as httpx's write timeout would end it; a slow
    one that keeps moving (a phone's link, a proxy) still goes through.
    """
    total = None
    if upload_bytes and None not in (connect, write, read):
        total = (connect or 0) + (write or 0) + (read or 0) + upload_bytes / SLOWEST_UPLOAD
    return aiohttp.ClientTimeout(total=total, connect=connect, sock_connect=connect, sock_read=read)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's TLS settings (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), made once."""
    return httpx.create_ssl_context()
