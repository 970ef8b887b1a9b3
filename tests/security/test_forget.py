"""/forget deletes all of a learner's data — in every table, also those later features add."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from db.database import Database
from emulator import BotApiEmulator, EmulatedUser
from tests.support.learner_data import (
    cascade_path_to_users,
    learner_tables,
    parent_links,
    snapshot,
)
from tests.support.running_bot import RunningBot


def test_every_learner_table_goes_with_its_learner() -> None:
    """A table that holds learner data must reach users through ON DELETE CASCADE keys."""
    orphans = [table.name for table in learner_tables() if cascade_path_to_users(table) is None]
    assert orphans == [], (
        f"{orphans}: reference users (directly or through a parent) with ondelete='CASCADE', "
        "or, if they hold nobody's data, add them to tests/support/learner_data.SHARED_TABLES"
    )


async def test_the_migrated_database_cascades_like_the_models(database_url: str) -> None:
    database = Database(database_url)

    def foreign_keys(connection: Any) -> dict[str, list[dict[str, Any]]]:
        inspector = inspect(connection)
        return {name: inspector.get_foreign_keys(name) for name in inspector.get_table_names()}

    try:
        async with database.engine.connect() as connection:
            assert isinstance(connection, AsyncConnection)
            actual = await connection.run_sync(foreign_keys)
    finally:
        await database.dispose()
    for table in learner_tables():
        path = cascade_path_to_users(table)
        assert path is not None
        column = path[0].split(".", 1)[1]
        [parent] = [p for c, p, _, _ in parent_links(table) if c == column]
        [key] = [
            fk
            for fk in actual[table.name]
            if fk["constrained_columns"] == [column] and fk["referred_table"] == parent.name
        ]
        assert (key["options"].get("ondelete") or "").upper() == "CASCADE", (table.name, key)


# Rows these tables get need a vision worker or a scheduled message to fire; their cascade to
# the learner is checked by the two tests above.
NOT_REACHED_BY_THE_SESSION = {"vision_exchanges", "scheduled_deliveries"}


async def _use_everything(user: EmulatedUser, topic: str) -> None:
    """Blocks, a recap, a reward, a note, a menu change, the plan, a quiz, a chat, a pause."""
    user.send_text(f"/block 1 {topic}")
    await user.next_message()
    ending = await user.next_message(timeout=20)
    user.send_text(f"recap of {topic}")
    await user.next_message()
    user.press(ending, ending.buttons[0][0])
    await user.next_message()
    user.send_text(f"/note note of {topic}")
    await user.next_message()
    user.send_text(f"/rewards add treat of {topic}")
    await user.next_message()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    user.send_text(f"/plan start {today.isoformat()}")
    await user.next_message()
    user.send_text("/check 1")
    await user.next_message()
    user.send_text("/quiz")
    poll = await user.next_message()
    while poll.poll is None:
        poll = await user.next_message()
    user.answer_poll(str(poll.poll["id"]), [0])
    await user.next_message()
    user.send_text(f"what should I read about {topic}?")
    await user.next_message()
    user.send_text("/settings pause 2")
    await user.next_message()


async def _snapshot(database_url: str, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return await snapshot(session, user_id)
    finally:
        await database.dispose()


def _data(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Everything but the users row (which holds the pending confirmation)."""
    assert rows["users"], "the learner still exists"
    return {name: table_rows for name, table_rows in rows.items() if name != "users"}


async def test_forget_asks_first_then_deletes_every_row_of_the_learner_only(
    bot: RunningBot, emulator: BotApiEmulator, database_url: str
) -> None:
    lin = emulator.user(1001, first_name="Lin")
    ana = emulator.user(2002, first_name="Ana")
    await asyncio.gather(_use_everything(lin, "ViT"), _use_everything(ana, "CLIP"))
    lin_before = await _snapshot(database_url, lin.id)
    ana_before = await _snapshot(database_url, ana.id)
    empty = {name for name, rows in lin_before.items() if not rows} - NOT_REACHED_BY_THE_SESSION
    assert empty == set(), "the session left a row in every learner table it can reach"

    lin.send_text("/forget")
    ask = await lin.next_message()
    assert "永久删除" in (ask.text or "") and "/export" in (ask.text or "")
    # It names what goes, one kind a line, with no vague catch-all.
    assert "• 专注块和每个块的小结\n" in (ask.text or "") and "以后新功能" not in (ask.text or "")
    assert [text for text, _ in ask.buttons] == ["🗑 全部删除", "保留我的数据"]
    assert _data(await _snapshot(database_url, lin.id)) == _data(lin_before), "not before the press"
    lin.press(ask, "保留我的数据")
    assert "什么都没删" in ((await lin.next_message()).text or "")
    assert ask.buttons == []

    lin.send_text("/forget")
    older = await lin.next_message()
    lin.send_text("/forget")
    newer = await lin.next_message()
    lin.press(older, "🗑 全部删除")
    assert "已经失效" in ((await lin.next_message()).text or "")
    assert _data(await _snapshot(database_url, lin.id)) == _data(lin_before)

    lin.press(newer, "🗑 全部删除")
    assert "已删除你的全部数据" in ((await lin.next_message()).text or "")
    assert await _snapshot(database_url, lin.id) == {name: [] for name in lin_before}
    assert await _snapshot(database_url, ana.id) == ana_before

    # Coming back is a fresh start.
    lin.send_text("/status")
    assert "连续达标：0 天" in ((await lin.next_message()).text or "")
