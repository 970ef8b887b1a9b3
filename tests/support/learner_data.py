"""Finding every row that belongs to one learner, in every table the schema has.

Tables are found from the metadata, so tables that later features add are covered without
touching these helpers: a table belongs to learners when a chain of foreign keys leads from
it to `users`. Tables that hold no learner's data are listed in SHARED_TABLES.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Base, User

USERS = Base.metadata.tables["users"]
# Tables that hold nobody's personal data. A new table goes here only if that is true.
# inbox_updates holds updates only until they are handled (it empties as they are);
# outbox_replies holds replies only until Telegram accepts them, and /forget empties the
# learner's chat of them (coach.privacy.forget).
SHARED_TABLES = frozenset({"processed_updates", "inbox_updates", "outbox_replies"})


def learner_row(
    user_id: int,
    at: datetime,
    *,
    first_name: str = "",
    language: str = "zh",
    timezone: str = "Asia/Shanghai",
) -> User:
    """A learner as the bot would have enrolled them at `at` (chat = user id, no settings)."""
    return User(
        id=user_id,
        chat_id=user_id,
        first_name=first_name,
        language=language,
        timezone=timezone,
        settings={},
        created_at=at,
        updated_at=at,
    )


def learner_tables() -> list[Table]:
    """Every table except users and the shared ones, in dependency order."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name != "users" and table.name not in SHARED_TABLES
    ]


def parent_links(table: Table) -> list[tuple[str, Table, str, str | None]]:
    """(column, referred table, referred column, ondelete) for each foreign key."""
    links = []
    for key in table.foreign_keys:
        links.append((key.parent.name, key.column.table, key.column.name, key.ondelete))
    return links


def cascade_path_to_users(table: Table, seen: frozenset[str] = frozenset()) -> list[str] | None:
    """A chain of ON DELETE CASCADE foreign keys from `table` to users, if there is one."""
    if table.name == "users":
        return ["users"]
    for column, parent, _, ondelete in parent_links(table):
        if parent.name in seen or (ondelete or "").upper() != "CASCADE":
            continue
        rest = cascade_path_to_users(parent, seen | {table.name})
        if rest is not None:
            return [f"{table.name}.{column}", *rest]
    return None


def belongs_to(table: Table, user_id: int, seen: frozenset[str] = frozenset()) -> Any:
    """A WHERE clause selecting the rows of `table` that belong to the learner."""
    if table.name == "users":
        return USERS.c.id == user_id
    conditions = []
    for column, parent, referred, _ in parent_links(table):
        if parent.name in seen or cascade_path_to_users(parent) is None:
            continue
        if parent.name == "users":
            conditions.append(table.c[column] == user_id)
        else:
            owned = select(parent.c[referred]).where(
                belongs_to(parent, user_id, seen | {table.name})
            )
            conditions.append(table.c[column].in_(owned))
    if not conditions:
        raise ValueError(f"table {table.name} has no foreign-key path to users")
    return or_(*conditions)


async def rows_of(session: AsyncSession, table: Table, user_id: int) -> list[tuple[Any, ...]]:
    """Every row of `table` that belongs to the learner, in a stable order."""
    query = select(table).where(belongs_to(table, user_id)).order_by(*table.primary_key.columns)
    return [tuple(row) for row in (await session.execute(query)).all()]


async def snapshot(session: AsyncSession, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """All of a learner's rows, table by table (users included)."""
    return {
        table.name: await rows_of(session, table, user_id) for table in [USERS, *learner_tables()]
    }
