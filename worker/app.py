"""The FastAPI app: models load once in the lifespan; errors become clear JSON answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from worker.body_limit import BodyLimit
from worker.config import WorkerConfig
from worker.errors import WorkerError
from worker.routes import router
from worker.runtime import Runtime
from worker.schemas import ErrorBody, ErrorResponse

log = logging.getLogger(__name__)

# Room for the JSON around a base64 image (4 characters per 3 bytes) or multipart headers.
_BODY_OVERHEAD = 64 * 1024


def create_app(config: WorkerConfig, runtime: Runtime | None = None) -> FastAPI:
    """The worker app; it loads `config`'s models at start-up unless a runtime is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = runtime if runtime is not None else await asyncio.to_thread(Runtime.load, config)
        loaded.start()
        app.state.runtime = loaded
        try:
            yield
        finally:
            await loaded.stop()

    app = FastAPI(title="study-coach vision worker", version="1", lifespan=lifespan)
    app.include_router(router)
    app.add_exception_handler(WorkerError, _worker_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
    max_body = config.limits.max_bytes * 4 // 3 + _BODY_OVERHEAD
    app.add_middleware(BodyLimit, max_bytes=max_body)
    return app


def _error(status: int, message: str, kind: str, code: str) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(message=message, type=kind, code=code))
    return JSONResponse(body.model_dump(), status_code=status)


async def _worker_error(request: Request, exc: WorkerError) -> JSONResponse:
    if exc.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return _error(exc.status, exc.message, exc.kind, exc.code)


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = []
    for issue in list(exc.errors())[:5]:
        where = ".".join(str(part) for part in issue.get("loc", ())) or "body"
        problems.append(f"{where}: {issue.get('msg', 'invalid')}")
    message = "invalid request: " + "; ".join(problems)
    return _error(400, message, "invalid_request_error", "invalid_request")


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return _error(exc.status_code, str(exc.detail), "invalid_request_error", "http_error")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(500, "the worker failed on this request", "server_error", "internal_error")
