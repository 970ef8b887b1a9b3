"""docker-compose.yml, the Dockerfiles, .env.example and the settings table in
docs/configuration.md agree with the code.

Docker cannot run here, so this checks what would break a `docker compose up`: variables
the bot does not read, commands that are not real entry points, an example configuration
the settings reject, a bot image that would pull in torch, a package without migrations.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.settings import Settings
from tests.support.processes import ROOT, bot_environment

COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CONFIGURATION = ROOT / "docs" / "configuration.md"
# Services built from our Dockerfiles whose environment is read by coach.settings.Settings.
SETTINGS_SERVICES = ("migrate", "bot")
# Settings whose default the configuration table describes in words, not as a literal.
DESCRIBED_DEFAULTS = {
    "COACH_ADMIN_USERS",
    "COACH_ALLOWED_USERS",
    "COACH_CLOCK_ANCHOR",
    "VISION_DEFAULT_LABELS",
}
# Variables for the images we do not build (postgres, vllm) and for compose itself.
THIRD_PARTY = {
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "HF_HOME",
    "HF_HUB_OFFLINE",
    "HF_TOKEN",
    "COMPOSE_PROFILES",
}
_REFERENCE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?]([^}]*))?\}")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _aliases() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def _settings_table() -> dict[str, str]:
    """The configuration docs' settings table: each variable and its default cell."""
    rows: dict[str, str] = {}
    for line in CONFIGURATION.read_text().splitlines():
        # Cells split on `|` but not on the escaped `\|` inside a cell.
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 3 and re.fullmatch(r"`[A-Z0-9_]+`", cells[0]):
            name = cells[0].strip("`")
            assert name not in rows, f"{name} is in the settings table twice"
            rows[name] = cells[1]
    return rows


def _example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip().removeprefix("# ")
        if "=" in line and re.fullmatch(r"[A-Z0-9_]+", line.split("=", 1)[0]):
            name, value = line.split("=", 1)
            values[name] = value
    return values


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, from `env`."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2) or ""
        given = env.get(name, "")
        if given:
            return given
        if "?" in match.group(0).split(name, 1)[1][:2]:
            raise KeyError(f"{name} is required")
        return default

    return _REFERENCE.sub(replace, value)


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command")
    if command is None:
        dockerfile = ROOT / service["build"]["dockerfile"]
        [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile.read_text(), re.MULTILINE)
        command = json.loads(cmd)
    assert isinstance(command, list), "commands are exec-form lists"
    return [str(part) for part in command]


def test_the_services_and_how_they_depend_on_each_other() -> None:
    compose = _compose()
    services = _services()
    assert set(services) == {"postgres", "migrate", "bot", "worker", "vllm"}
    postgres = services["postgres"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert set(compose["volumes"]) >= {"postgres-data", "models"}
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    bot = services["bot"]["depends_on"]["migrate"]
    assert bot["condition"] == "service_completed_successfully"
    vllm = services["vllm"]
    assert vllm["profiles"] == ["vllm"]
    assert vllm["entrypoint"] == ["vllm", "serve"]
    assert "Qwen2.5-VL" in _interpolate(vllm["command"][0], {})
    assert vllm["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    # The bot reaches vLLM's OpenAI-compatible API through VLM_BASE_URL.
    assert "VLM_BASE_URL=http://vllm:8000/v1" in ENV_EXAMPLE.read_text()
    assert services["worker"]["build"]["dockerfile"] == "docker/worker.Dockerfile"
    assert services["bot"]["build"]["dockerfile"] == "docker/bot.Dockerfile"


@pytest.mark.parametrize("name", SETTINGS_SERVICES)
def test_every_variable_given_to_the_bot_images_is_a_setting(name: str) -> None:
    environment = set(_services()[name]["environment"])
    unknown = environment - _aliases()
    assert unknown == set(), f"{name} passes variables no setting reads: {sorted(unknown)}"


def test_every_variable_is_documented_in_env_example() -> None:
    documented = set(_example_values())
    referenced = {match.group(1) for match in _REFERENCE.finditer(COMPOSE.read_text())}
    assert _aliases() - documented == set(), "settings missing from .env.example"
    assert referenced - documented == set(), "compose variables missing from .env.example"


def test_the_configuration_table_lists_every_setting_and_only_settings() -> None:
    table = set(_settings_table())
    assert sorted(_aliases() - table) == [], "settings missing from docs/configuration.md"
    assert sorted(table - _aliases()) == [], "docs/configuration.md lists no such settings"


def test_the_configuration_table_gives_the_defaults_the_code_has() -> None:
    names = {field.alias: name for name, field in Settings.model_fields.items()}
    described = set()
    for alias, cell in _settings_table().items():
        if alias not in names:
            continue  # a row for no setting: the test above names it
        name = names[alias]
        default = Settings.model_fields[name].default
        literal = re.fullmatch(r"`([^`]*)`", cell)
        if cell == "unset":
            assert default is None, f"{alias}: documented unset, defaults to {default!r}"
        elif literal:
            # The documented value, read as the environment would give it.
            given = Settings(_env_file=None, **{alias: literal.group(1)})  # type: ignore[call-arg]
            assert getattr(given, name) == default, f"{alias}: documented {cell}, is {default!r}"
        else:
            described.add(alias)
    assert described == DESCRIBED_DEFAULTS


def test_the_example_configuration_is_accepted_by_the_settings(tmp_path: Path) -> None:
    example = _example_values()
    Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    # What compose hands the bot, with the two required values filled in.
    env = {**example, "TELEGRAM_BOT_TOKEN": "123:abc", "POSTGRES_PASSWORD": "pw"}
    for name in SETTINGS_SERVICES:
        given = {
            key: _interpolate(str(value), env)
            for key, value in _services()[name]["environment"].items()
        }
        settings = Settings(_env_file=None, **given)  # type: ignore[call-arg]
        assert settings.database_url == "postgresql://coach:pw@postgres:5432/coach"
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        _interpolate(str(_services()["bot"]["environment"]["DATABASE_URL"]), example)


def _help(module: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=ROOT,
        env=bot_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("name", ["migrate", "bot", "worker"])
def test_image_commands_are_real_entry_points_that_accept_their_arguments(name: str) -> None:
    service = _services()[name]
    command = _command(service)
    assert command[:2] == ["python", "-m"], command
    module, arguments = command[2], command[3:]
    if importlib.util.find_spec(module.split(".")[0]) is None:
        pytest.skip(f"`{module}` is not in this checkout yet (the vision worker's issue)")
    usage = _help(module)
    for flag in (argument for argument in arguments if argument.startswith("--")):
        assert flag in usage, f"python -m {module} does not accept {flag}"
    dockerfile = (ROOT / service["build"]["dockerfile"]).read_text()
    [default] = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert json.loads(default)[:3] == ["python", "-m", module.split(".")[0]] or name == "migrate"


@pytest.mark.parametrize("dockerfile", ["docker/bot.Dockerfile", "docker/worker.Dockerfile"])
def test_dockerfiles_copy_what_exists(dockerfile: str) -> None:
    text = (ROOT / dockerfile).read_text()
    sources = [
        source
        for line in re.findall(r"^COPY (.+)$", text, re.MULTILINE)
        for source in line.split()[:-1]
    ]
    missing = [source for source in sources if not (ROOT / source).exists()]
    if dockerfile.endswith("worker.Dockerfile") and missing == ["worker"]:
        pytest.skip("the worker package arrives with the vision worker's issue")
    assert missing == []
    assert all(pattern not in (ROOT / ".dockerignore").read_text() for pattern in sources)


def test_the_bot_image_carries_no_torch() -> None:
    text = (ROOT / "docker/bot.Dockerfile").read_text()
    installs = re.findall(r"pip install ([^\n&]+)", text)
    assert installs == [". "], installs
    assert "torch" not in text.lower().replace("no torch", "")
    pyproject = (ROOT / "pyproject.toml").read_text()
    base = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert "torch" not in base and "transformers" not in base


def test_the_installed_package_carries_its_migrations(tmp_path: Path) -> None:
    """The images install the project (not run it from a checkout): migrations must ship."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("study_coach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(path.name for path in (ROOT / "db/migrations/versions").glob("*.py"))
    assert "db/migrations/env.py" in names
    assert {f"db/migrations/versions/{name}" for name in migrations} <= names
