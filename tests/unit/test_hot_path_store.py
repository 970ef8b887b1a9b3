"""The per-update writes (ledger, inbox, reply outbox) as the Core statements of issue 14."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from db.database import Database
from db.models import OutboxReply, User
from db.repositories import DRAIN_OWNER_SUFFIX, ReplyOutbox, UpdateInbox, UpdateLedger
from tests.support.learner_data import learner_row

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def _rows(database: Database) -> list[OutboxReply]:
    async with database.session() as session:
        return list(await session.scalars(select(OutboxReply).order_by(OutboxReply.id)))


async def test_a_redelivered_update_is_claimed_once(database: Database) -> None:
    async with database.session() as session:
        assert await UpdateLedger(session).claim(7, NOW)
        await session.commit()
    async with database.session() as session:
        assert not await UpdateLedger(session).claim(7, NOW)
        assert await UpdateLedger(session).claim(8, NOW)


async def test_a_claim_brings_the_learner_along_on_postgresql(database: Database) -> None:
    """The update's claim and the learner's row are one round trip on PostgreSQL (two on
    SQLite); a redelivery is still refused, and a first contact still claims."""
    async with database.session() as session:
        session.add(learner_row(5, NOW, first_name="Mei"))
        await session.commit()
    statements: list[str] = []

    def count(*_: object) -> None:
        statements.append("statement")

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.session() as session:
            assert await UpdateLedger(session).claim(11, NOW, learner_id=5)
            learner = await session.get(User, 5)
            assert learner is not None and learner.first_name == "Mei"
            await session.commit()
        assert len(statements) == (1 if database.dialect == "postgresql" else 2)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    async with database.session() as session:
        assert not await UpdateLedger(session).claim(11, NOW, learner_id=5)
        assert await UpdateLedger(session).claim(12, NOW, learner_id=404)  # a first contact
        assert await session.get(User, 404) is None


async def test_a_claim_after_a_rollback_sees_the_learner_as_committed_since(
    database: Database,
) -> None:
    """A refusal or a pause rolls the update back and claims it again: the learner the
    handler then reads is the committed one, not the row the first claim brought."""
    async with database.session() as session:
        session.add(learner_row(6, NOW, first_name="Old"))
        await session.commit()
    async with database.session() as session:
        assert await UpdateLedger(session).claim(21, NOW, learner_id=6)
        first = await session.get(User, 6)
        assert first is not None and first.first_name == "Old"
        await session.rollback()
        async with database.session() as other:
            renamed = await other.get(User, 6)
            assert renamed is not None
            renamed.first_name = "New"
            await other.commit()
        assert await UpdateLedger(session).claim(21, NOW, learner_id=6)
        again = await session.get(User, 6)
        assert again is not None and again.first_name == "New"


async def test_the_inbox_keeps_a_stored_update_and_forgets_handled_ones(
    database: Database,
) -> None:
    async with database.session() as session:
        await UpdateInbox(session).add([(1, '{"a": 1}'), (2, '{"b": 2}')], NOW)
        await UpdateInbox(session).add([(2, '{"changed": true}'), (3, "{}")], NOW)
        await session.commit()
    async with database.session() as session:
        pending = await UpdateInbox(session).pending()
        assert [(row.update_id, row.payload) for row in pending] == [
            (1, '{"a": 1}'),
            (2, '{"b": 2}'),
            (3, "{}"),
        ]
        await UpdateInbox(session).remove([1, 3])
        await session.commit()
    async with database.session() as session:
        assert [row.update_id for row in await UpdateInbox(session).pending()] == [2]


async def test_replies_of_a_quiet_chat_are_leased_to_the_sender(database: Database) -> None:
    async with database.session() as session:
        ids = await ReplyOutbox(session).store(
            10, [(10, "one", None), (11, "two", b"png")], NOW, "me", LEASE
        )
        await session.commit()
    rows = await _rows(database)
    assert ids == [row.id for row in rows]
    assert [(r.chat_id, r.payload, r.attachment, r.owner) for r in rows] == [
        (10, "one", None, "me"),
        (11, "two", b"png", "me"),
    ]
    assert all(r.lease_until == LEASE and r.attempts == 0 for r in rows)
    # Our own in-flight replies do not hold the next ones back.
    async with database.session() as session:
        assert await ReplyOutbox(session).store(10, [(10, "three", None)], NOW, "me", LEASE)


async def test_replies_behind_waiting_ones_wait_for_the_drain(database: Database) -> None:
    async with database.session() as session:
        await ReplyOutbox(session).add([(10, "older", None)], NOW, owner=None, lease_until=None)
        await session.commit()
    async with database.session() as session:
        stored = await ReplyOutbox(session).store(
            10, [(10, "newer", None), (10, "newest", None)], NOW, "me", LEASE
        )
        await session.commit()
    assert stored is None
    rows = await _rows(database)
    assert [(r.payload, r.owner, r.lease_until) for r in rows] == [
        ("older", None, None),
        ("newer", None, None),
        ("newest", None, None),
    ]
    # Another chat is not held back.
    async with database.session() as session:
        assert await ReplyOutbox(session).store(20, [(20, "x", None)], NOW, "me", LEASE)


async def test_only_a_dead_senders_replies_hold_the_chat(database: Database) -> None:
    # Another process sending right now does not hold the chat back (it may be a replica
    # handling the same chat at once); a sender whose lease ran out (it died) does: its
    # replies go first, from the drain.
    async with database.session() as session:
        await ReplyOutbox(session).add([(10, "theirs", None)], NOW, "them", LEASE)
        await session.commit()
    async with database.session() as session:
        assert await ReplyOutbox(session).store(10, [(10, "mine", None)], NOW, "me", LEASE)
        await session.rollback()
    later = LEASE + timedelta(seconds=1)
    async with database.session() as session:
        stored = await ReplyOutbox(session).store(10, [(10, "mine", None)], later, "me", LEASE)
        assert stored is None


async def test_a_reply_being_retried_by_a_drain_holds_the_chat(database: Database) -> None:
    # The drain may be mid-retry of an older reply when the learner writes again: the new
    # reply waits behind it, or it would arrive first.
    async with database.session() as session:
        await ReplyOutbox(session).add([(10, "older", None)], NOW, "me" + DRAIN_OWNER_SUFFIX, LEASE)
        await session.commit()
    async with database.session() as session:
        assert await ReplyOutbox(session).store(10, [(10, "newer", None)], NOW, "me", LEASE) is None
