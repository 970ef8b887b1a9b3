"""Fresh databases on the PostgreSQL server named by COACH_TEST_POSTGRES_URL."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy.engine import make_url

POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"


async def create_postgres_database(admin_url: str) -> tuple[str, str]:
    """Create an empty database with a unique name; return its URL and name."""
    import asyncpg

    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False), name


async def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop a database made by `create_postgres_database`, even with connections left open."""
    import asyncpg

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except asyncpg.InsufficientPrivilegeError:
            # FORCE may have to stop an autovacuum worker, which needs pg_signal_backend.
            await asyncio.sleep(1)
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await connection.close()
