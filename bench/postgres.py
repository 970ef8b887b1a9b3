"""Throwaway PostgreSQL databases for the benchmarks and the tests (COACH_TEST_POSTGRES_URL
names a role that may create databases)."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy.engine import make_url


async def admin(admin_url: str, statement: str) -> None:
    """Run one statement on the server's admin connection (outside any transaction)."""
    import asyncpg  # type: ignore[import-untyped]

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def create_database(admin_url: str, prefix: str = "coach_bench") -> tuple[str, str]:
    """A new empty database with a unique name: its URL and its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await admin(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


async def drop_database(admin_url: str, name: str) -> None:
    """Remove a database made by `create_database`, whoever is still connected."""
    import asyncpg

    try:
        await admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except asyncpg.InsufficientPrivilegeError:
        # FORCE may have to stop an autovacuum worker, which needs pg_signal_backend.
        await asyncio.sleep(1)
        await admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
