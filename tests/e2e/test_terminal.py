"""The offline terminal chat (`python -m bot` without a token), as the README's first command
opens it: lines typed or piped in are answered, and end of input waits for the answers."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import select

from coach.messages import t
from db.database import Database
from db.models import DailyNote
from tests.support.processes import ROOT, bot_environment


async def test_piped_lines_are_all_answered_before_the_chat_ends(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'terminal.db'}"
    env = bot_environment(DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    # `:b 2` presses "English" under the welcome, once the welcome has come.
    lines = "/start\n:b 2\n/help\n/note 终端里写的一条记录\n/status\n:b 99\n"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,  # the chat's log and downloads go to ./var
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # Everything at once, before the bot has even started: a pipe, not a person typing.
    out, err = await asyncio.wait_for(process.communicate(lines.encode()), timeout=120)
    transcript = out.decode()
    assert process.returncode == 0, err.decode()[-3000:]
    assert "Study Coach — terminal chat" in transcript
    assert t("en", "lang.set") in transcript, "the button pressed"
    assert "/block" in transcript, "the /help reply"
    assert "Added to the log of" in transcript, "the /note reply, in English"
    assert "Streak:" in transcript, "the /status reply"
    assert "no button 99" in transcript, "a terminal command's mistake is explained"
    assert "Traceback" not in transcript + err.decode()
    assert (tmp_path / "var" / "terminal-chat.log").exists()

    database = Database(database_url)
    try:
        async with database.session() as session:
            notes = (await session.scalars(select(DailyNote.text))).all()
    finally:
        await database.dispose()
    assert notes == ["终端里写的一条记录"]
