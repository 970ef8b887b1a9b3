"""A throwaway PostgreSQL server of our own, which a test may stop and restart at will.

Never the shared server: this one lives in a temporary directory, on its own port, owned by
the `postgres` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
USER = "coach"


def available() -> str | None:
    """Why a throwaway server cannot run here, or None if it can."""
    if not BIN_DIRS:
        return "no PostgreSQL binaries under /usr/lib/postgresql"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres system user"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "needs root (to run as postgres) or the postgres user"
    return None


class ThrowawayPostgres:
    """initdb, start, restart and remove a private PostgreSQL cluster."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = BIN_DIRS[0]
        self.root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        entry = pwd.getpwnam("postgres")
        os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)

    @property
    def url(self) -> str:
        """The URL of the `coach` database, as DATABASE_URL takes it."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/coach"

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = (
            []
            if pwd.getpwuid(os.geteuid()).pw_name == "postgres"
            else ["runuser", "-u", "postgres", "--"]
        )
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, timeout=timeout, cwd=self.root
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *extra,
        )

    def create(self) -> None:
        """initdb (trust auth on loopback), start, and create the `coach` database."""
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        self._pg_ctl("start")
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            USER,
            "coach",
        )

    def restart(self) -> None:
        """Stop (fast: cutting every connection) and start again."""
        self._pg_ctl("restart", "-m", "fast")

    def remove(self) -> None:
        """Stop immediately and delete the cluster."""
        try:
            if self.data.exists():
                self._pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
