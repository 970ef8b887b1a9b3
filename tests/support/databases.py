"""Fresh databases on the PostgreSQL server named by COACH_TEST_POSTGRES_URL (made and dropped
as the benchmarks make them, bench.postgres), and counting rows in a database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bench.postgres import create_database, drop_database
from db.database import Database

POSTGRES_ENV = "COACH_TEST_POSTGRES_URL"


async def create_postgres_database(admin_url: str) -> tuple[str, str]:
    """Create an empty database with a unique name; return its URL and name."""
    return await create_database(admin_url, prefix="coach_test")


async def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop a database made by `create_postgres_database`, even with connections left open."""
    await drop_database(admin_url, name)


async def count_rows(database_url: str, model: Any) -> int:
    """How many rows the table of `model` holds, read in a connection of its own."""
    database = Database(database_url)
    try:
        async with database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await database.dispose()
