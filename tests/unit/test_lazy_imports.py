"""Optional dependencies stay out of a bot process until they are used (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_after(statement: str, *modules: str) -> list[str]:
    """Which of `modules` a fresh interpreter has imported after running `statement`."""
    probe = f"import sys\n{statement}\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return list(eval(result.stdout.strip()))  # a list literal of module names we printed


def test_importing_the_bot_does_not_import_openai_or_the_retrieval_libraries() -> None:
    assert _imported_after("import bot.app", "openai", "rank_bm25") == []


def test_building_the_services_without_an_llm_does_not_import_openai(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    statement = (
        "from jobs.services import build_services\n"
        "from coach.settings import Settings\n"
        f"build_services(Settings(_env_file=None, DATABASE_URL={url!r}))"
    )
    assert _imported_after(statement, "openai") == []


def test_an_llm_client_imports_openai_when_it_is_made() -> None:
    statement = (
        "from coach.tutor.llm import LlmClient\nLlmClient('http://127.0.0.1:9/v1', 'm', None, 1.0)"
    )
    assert _imported_after(statement, "openai") == ["openai"]


# Heavy and optional: a bot process that never draws a chart, reads a plan, talks to the
# vision worker or serves a webhook should not hold them (issue 14: at most 100 MiB).
# aiohttp's client is not among them: every Bot API call goes through it (bot/transport.py).
# Its server is: only webhook mode needs it.
HEAVY_OPTIONAL = (
    "openai",
    "rank_bm25",
    "matplotlib",
    "numpy",
    "PIL",
    "aiohttp.web",
    "alembic",
    "mako",
    "markdown_it",
    "mdit_py_plugins",
)


def test_a_started_bot_holds_no_heavy_optional_module(tmp_path: Path) -> None:
    # What `python -m bot` does before it serves: migrate, build the services and the app.
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    statement = (
        "import bot.__main__\n"
        "from bot.app import build_application\n"
        "from coach.settings import Settings\n"
        "from db.migrate import upgrade_in_child\n"
        "from jobs.services import build_services\n"
        f"upgrade_in_child({url!r})\n"
        f"services = build_services(Settings(_env_file=None, DATABASE_URL={url!r}))\n"
        "build_application(services, '123:abc')"
    )
    # aiohttp itself is there: the Bot API transport.
    assert _imported_after(statement, *HEAVY_OPTIONAL, "aiohttp") == ["aiohttp"]
    # The migration did run (in the child): the schema is there.
    assert _imported_after(
        "import sqlite3\n"
        f"tables = sqlite3.connect({str(tmp_path / 'coach.db')!r}).execute("
        "\"select name from sqlite_master where name = 'users'\").fetchall()\n"
        "assert tables, 'no users table'",
        "sqlite3",
    ) == ["sqlite3"]


def test_parsing_a_plan_imports_the_markdown_parser_then() -> None:
    statement = (
        "from coach.plan.parser import parse_plan\nparse_plan('# Plan\\n\\n## Week 1\\n- [ ] read')"
    )
    assert _imported_after(statement, "markdown_it") == ["markdown_it"]
