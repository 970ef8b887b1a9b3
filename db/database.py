"""The one place that owns the engine and the session factory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Where the bot keeps its data when DATABASE_URL is not set.
DEFAULT_DATABASE_URL = "sqlite:///./var/coach.db"
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(database_url: str) -> URL:
    """Turn a plain `sqlite:///…` or `postgresql://…` URL into its async-driver form."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    backend = url.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    if "+" not in url.drivername:
        url = url.set(drivername=_ASYNC_DRIVERS[backend])
    return url


def ensure_sqlite_directory(url: URL) -> None:
    """Create the folder of a SQLite database file so a fresh checkout just runs."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL characters; SQLite can. Drop them on the way in."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, tuple | list):
        return type(value)(_without_nul(item) for item in value)
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


def _strip_nul_parameters(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    return statement, _without_nul(parameters)


# A pooled connection given back less than this long ago, whose socket is still open, is
# handed out without a ping; an older one is pinged first (SQLAlchemy's `pool_pre_ping`
# pings every time: a round trip per update, issue 14). A server restart closes the sockets,
# which the driver notices at once, so a closed one is pinged, fails and is replaced.
FRESH_SECONDS = 2.0


def _ping_unless_fresh(engine: AsyncEngine) -> None:
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        driver = getattr(dbapi_connection, "driver_connection", None)
        is_closed = getattr(driver, "is_closed", None)
        if (
            returned_at is not None
            and time.monotonic() - returned_at < FRESH_SECONDS
            and callable(is_closed)
            and not is_closed()
        ):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out a new one.
            raise exc.DisconnectionError(str(error)) from error


def create_engine(database_url: str) -> AsyncEngine:
    """An async engine for the URL, with SQLite set up for a long-running bot."""
    url = async_url(database_url)
    ensure_sqlite_directory(url)
    if url.get_backend_name() == "sqlite":
        # SQLite takes one writer at a time; more connections only make writers wait in
        # SQLite's busy handler (sleeps of up to 100 ms). One connection makes them queue
        # in the pool instead, and each gets it the moment it is free.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    engine = create_async_engine(url, pool_size=10, max_overflow=10)
    _ping_unless_fresh(engine)
    # A learner's text may carry a NUL character; one place keeps every column safe.
    event.listen(engine.sync_engine, "before_cursor_execute", _strip_nul_parameters, retval=True)
    return engine


class Database:
    """Owns the engine and hands out sessions: one per update or job."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
