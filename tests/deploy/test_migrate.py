"""The one-shot migration entry point, and replicas migrating the same database at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from db.database import Database
from db.models import Base
from tests.support.databases import POSTGRES_ENV, create_postgres_database, drop_postgres_database
from tests.support.processes import ROOT, bot_environment


async def _tables(database_url: str) -> set[str]:
    database = Database(database_url)

    def names(connection: object) -> set[str]:
        return set(inspect(connection).get_table_names())

    try:
        async with database.engine.connect() as connection:
            assert isinstance(connection, AsyncConnection)
            return await connection.run_sync(names)
    finally:
        await database.dispose()


async def _migrate(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "db.migrate", *args],
        cwd=ROOT,
        env=bot_environment(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_python_m_db_migrate_builds_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = await _migrate(url)
    assert result.returncode == 0, result.stderr
    assert set(Base.metadata.tables) <= await _tables(url)
    usage = await _migrate(url, "--help")
    assert usage.returncode == 0 and "DATABASE_URL" in usage.stdout


async def test_replicas_migrating_one_fresh_postgresql_at_once_all_succeed() -> None:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url, name = await create_postgres_database(admin_url)
    try:
        # Three processes race on an empty database; the advisory lock serialises them.
        results = await asyncio.gather(*(_migrate(url) for _ in range(3)))
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
        assert set(Base.metadata.tables) <= await _tables(url)
    finally:
        await drop_postgres_database(admin_url, name)
