"""Applies Alembic migrations; the bot does this at start-up and the tests before each run."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from db.database import DEFAULT_DATABASE_URL, async_url, ensure_sqlite_directory

if TYPE_CHECKING:
    # Imported when a migration runs: Alembic and Mako hold about 8 MiB resident, which a
    # long-running bot process need not keep (see `upgrade_in_child`).
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration pointing at this package's migrations and the given database."""
    from alembic.config import Config

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
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def upgrade_in_child(database_url: str) -> None:
    """`upgrade_to_head` in a forked child, so that Alembic's modules leave with it.

    For a long-running process, before it starts threads or an event loop: the bot calls it
    at start-up and keeps its memory for serving. Where there is no fork, it migrates here.
    Raises RuntimeError if the migration failed (the child logged why).
    """
    if not hasattr(os, "fork"):
        upgrade_to_head(database_url)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: migrate, then leave without running the parent's exit handlers
        code = 0
        try:
            upgrade_to_head(database_url)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("the database migration failed (its error is logged above)")


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
