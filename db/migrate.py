"""Applies Alembic migrations; the bot does this at start-up and the tests before each run."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config

from db.database import DEFAULT_DATABASE_URL, async_url, ensure_sqlite_directory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration pointing at this package's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = async_url(database_url)
    ensure_sqlite_directory(url)
    # ConfigParser treats % specially; URLs may hold percent-encoded passwords.
    config.set_main_option(
        "sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the database schema to the newest revision (blocking; run outside the event loop)."""
    command.upgrade(alembic_config(database_url), "head")


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m db.migrate`: upgrade DATABASE_URL to the newest schema, then exit.

    The database layer reads no settings of the bot's: only the one variable it needs.
    """
    parser = argparse.ArgumentParser(
        prog="python -m db.migrate",
        description="Bring the database named by DATABASE_URL (or .env) to the newest schema.",
    )
    parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    upgrade_to_head(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


if __name__ == "__main__":
    main()
