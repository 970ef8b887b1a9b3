"""Queries, one repository per aggregate. Repositories flush but never commit: the caller does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Executable,
    Exists,
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import (
    BlockStatus,
    DailyNote,
    FocusBlock,
    InboxUpdate,
    OutboxReply,
    ProcessedUpdate,
    RewardGrant,
    RewardItem,
    User,
    VisionExchange,
)


class UserRepository:
    """Learners."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        """The learner with this Telegram id, if known."""
        return await self.session.get(User, user_id)

    async def add(self, user: User) -> User:
        """Store a new learner."""
        self.session.add(user)
        await self.session.flush()
        return user

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, User]:
        """Learners by id."""
        if not user_ids:
            return {}
        rows = await self.session.scalars(select(User).where(User.id.in_(user_ids)))
        return {user.id: user for user in rows}

    async def delete(self, user_id: int) -> bool:
        """Delete the learner; every table of theirs goes with them (ON DELETE CASCADE)."""
        result = await self.session.execute(
            delete(User).where(User.id == user_id).execution_options(synchronize_session=False)
        )
        self.session.expunge_all()
        return bool(result.rowcount)  # type: ignore[attr-defined]


# /status runs on every few updates: its statements are built once (see the hot path below).
_RUNNING_AND_COMPLETED_ON = (
    select(FocusBlock)
    .where(
        FocusBlock.user_id == bindparam("user_id"),
        (FocusBlock.status == BlockStatus.RUNNING)
        | (
            (FocusBlock.status == BlockStatus.COMPLETED)
            & (FocusBlock.local_date == bindparam("day"))
        ),
    )
    .order_by(FocusBlock.started_at)
)


class BlockRepository:
    """Focus blocks."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, block: FocusBlock) -> FocusBlock:
        """Store a new block (the one-running-block index may refuse it)."""
        self.session.add(block)
        await self.session.flush()
        return block

    async def running_for(self, user_id: int) -> FocusBlock | None:
        """The learner's running block, if any."""
        return await self.session.scalar(
            select(FocusBlock).where(
                FocusBlock.user_id == user_id, FocusBlock.status == BlockStatus.RUNNING
            )
        )

    async def get_for_user(self, block_id: int, user_id: int) -> FocusBlock | None:
        """A block, only if it belongs to this learner."""
        return await self.session.scalar(
            select(FocusBlock).where(FocusBlock.id == block_id, FocusBlock.user_id == user_id)
        )

    async def running(self) -> Sequence[FocusBlock]:
        """Every running block (to reschedule their ends at start-up)."""
        rows = await self.session.scalars(
            select(FocusBlock).where(FocusBlock.status == BlockStatus.RUNNING)
        )
        return rows.all()

    async def due(self, now: datetime, limit: int = 500) -> Sequence[FocusBlock]:
        """Running blocks whose planned end has passed."""
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(FocusBlock.status == BlockStatus.RUNNING, FocusBlock.planned_end_at <= now)
            .order_by(FocusBlock.planned_end_at)
            .limit(limit)
        )
        return rows.all()

    async def finish(
        self, block: FocusBlock, status: BlockStatus, finished_at: datetime, *, late: bool = False
    ) -> bool:
        """Move a running block to `status`; False if someone else already finished it."""
        result = await self.session.execute(
            update(FocusBlock)
            .where(FocusBlock.id == block.id, FocusBlock.status == BlockStatus.RUNNING)
            .values(status=status, finished_at=finished_at, late=late)
            .execution_options(synchronize_session=False)
        )
        changed = bool(result.rowcount)  # type: ignore[attr-defined]
        if changed:
            block.status, block.finished_at, block.late = status, finished_at, late
        return changed

    async def owed_notifications(self, limit: int = 500) -> Sequence[FocusBlock]:
        """Completed blocks whose learner has not yet been told."""
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(FocusBlock.status == BlockStatus.COMPLETED, FocusBlock.notified_at.is_(None))
            .order_by(FocusBlock.finished_at)
            .limit(limit)
        )
        return rows.all()

    async def claim_owed_notifications(
        self, owner: str, real_now: datetime, lease: timedelta, limit: int = 500
    ) -> Sequence[FocusBlock]:
        """Claim blocks whose learner is still owed the block-end message, for `owner`.

        Blocks another process holds a live claim on are skipped; an expired claim (its
        holder died before sending) is taken over. The caller commits before it sends, so
        a second process's claim waits for this one and then finds nothing left to take.
        `real_now` and `lease` are wall-clock time: leases are about processes.
        """
        claimable = (
            (FocusBlock.status == BlockStatus.COMPLETED)
            & FocusBlock.notified_at.is_(None)
            & (
                FocusBlock.notify_lease_expires_at.is_(None)
                | (FocusBlock.notify_lease_expires_at < real_now)
            )
        )
        candidates = (
            await self.session.scalars(
                select(FocusBlock.id).where(claimable).order_by(FocusBlock.finished_at).limit(limit)
            )
        ).all()
        if not candidates:
            return []
        claimed = (
            await self.session.scalars(
                update(FocusBlock)
                .where(FocusBlock.id.in_(candidates), claimable)
                .values(notify_claimed_by=owner, notify_lease_expires_at=real_now + lease)
                .returning(FocusBlock.id)
                .execution_options(synchronize_session=False)
            )
        ).all()
        if not claimed:
            return []
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(FocusBlock.id.in_(claimed))
            .order_by(FocusBlock.finished_at)
            .execution_options(populate_existing=True)
        )
        return rows.all()

    async def release_notification_claim(self, block_id: int, owner: str) -> None:
        """Give up a claim (the message could not be sent) so the next sweep tries again."""
        await self.session.execute(
            update(FocusBlock)
            .where(
                FocusBlock.id == block_id,
                FocusBlock.notify_claimed_by == owner,
                FocusBlock.notified_at.is_(None),
            )
            .values(notify_claimed_by=None, notify_lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )

    async def completed_on(self, user_id: int, day: date) -> Sequence[FocusBlock]:
        """The learner's completed blocks of one local day."""
        rows = await self.session.scalars(
            select(FocusBlock)
            .where(
                FocusBlock.user_id == user_id,
                FocusBlock.local_date == day,
                FocusBlock.status == BlockStatus.COMPLETED,
            )
            .order_by(FocusBlock.started_at)
        )
        return rows.all()

    async def running_and_completed_on(
        self, user_id: int, day: date
    ) -> tuple[FocusBlock | None, Sequence[FocusBlock]]:
        """The learner's running block and completed blocks of one local day, in one query."""
        rows = (
            await self.session.scalars(_RUNNING_AND_COMPLETED_ON, {"user_id": user_id, "day": day})
        ).all()
        running = next((block for block in rows if block.status == BlockStatus.RUNNING), None)
        return running, [block for block in rows if block.status == BlockStatus.COMPLETED]

    async def latest_completed(self, user_id: int) -> FocusBlock | None:
        """The learner's most recently finished completed block."""
        return await self.session.scalar(
            select(FocusBlock)
            .where(FocusBlock.user_id == user_id, FocusBlock.status == BlockStatus.COMPLETED)
            .order_by(FocusBlock.finished_at.desc(), FocusBlock.id.desc())
            .limit(1)
        )

    async def all_for_user(self, user_id: int) -> Sequence[FocusBlock]:
        """Every block of the learner, oldest first."""
        rows = await self.session.scalars(
            select(FocusBlock).where(FocusBlock.user_id == user_id).order_by(FocusBlock.started_at)
        )
        return rows.all()


class RewardRepository:
    """Reward menus and grants."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def menu(self, user_id: int) -> Sequence[RewardItem]:
        """The learner's reward menu in the order items were added."""
        rows = await self.session.scalars(
            select(RewardItem).where(RewardItem.user_id == user_id).order_by(RewardItem.id)
        )
        return rows.all()

    async def add_items(self, items: Sequence[RewardItem]) -> None:
        """Store new menu items."""
        self.session.add_all(items)
        await self.session.flush()

    async def remove_item(self, item: RewardItem) -> None:
        """Delete one menu item (grants keep its title)."""
        await self.session.delete(item)
        await self.session.flush()

    async def item_for_user(self, item_id: int, user_id: int) -> RewardItem | None:
        """A menu item, only if it belongs to this learner."""
        return await self.session.scalar(
            select(RewardItem).where(RewardItem.id == item_id, RewardItem.user_id == user_id)
        )

    async def grant_for_block(self, block_id: int) -> RewardGrant | None:
        """The reward a block earned, if taken."""
        return await self.session.scalar(
            select(RewardGrant).where(RewardGrant.block_id == block_id)
        )

    async def add_grant(self, grant: RewardGrant) -> RewardGrant:
        """Store a grant (the unique block constraint refuses a second one)."""
        self.session.add(grant)
        await self.session.flush()
        return grant

    async def grants(self, user_id: int, limit: int | None = None) -> Sequence[RewardGrant]:
        """The learner's grants, newest first."""
        query = (
            select(RewardGrant)
            .where(RewardGrant.user_id == user_id)
            .order_by(RewardGrant.granted_at.desc(), RewardGrant.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return (await self.session.scalars(query)).all()

    async def count_granted_on_blocks(self, block_ids: Sequence[int]) -> int:
        """How many of these blocks have had their reward taken."""
        if not block_ids:
            return 0
        count = await self.session.scalar(
            select(func.count()).select_from(RewardGrant).where(RewardGrant.block_id.in_(block_ids))
        )
        return int(count or 0)


_NOTES = cast(Table, DailyNote.__table__)
_NOTE_INSERT = insert(_NOTES)
_NOTE_COUNT = (
    select(func.count())
    .select_from(_NOTES)
    .where(_NOTES.c.user_id == bindparam("user_id"), _NOTES.c.local_date == bindparam("day"))
)


class NoteRepository:
    """Daily notes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def write(self, user_id: int, day: date, text: str, now: datetime) -> int:
        """Store a note (one Core statement, no unit of work); how many the day now has."""
        await self.session.execute(
            _NOTE_INSERT, {"user_id": user_id, "local_date": day, "text": text, "created_at": now}
        )
        return await self.count_on(user_id, day)

    async def on(self, user_id: int, day: date) -> Sequence[DailyNote]:
        """The learner's notes of one local day."""
        rows = await self.session.scalars(
            select(DailyNote)
            .where(DailyNote.user_id == user_id, DailyNote.local_date == day)
            .order_by(DailyNote.created_at, DailyNote.id)
        )
        return rows.all()

    async def count_on(self, user_id: int, day: date) -> int:
        """How many notes the learner wrote on one local day."""
        count = await self.session.scalar(_NOTE_COUNT, {"user_id": user_id, "day": day})
        return int(count or 0)

    async def all_for_user(self, user_id: int) -> Sequence[DailyNote]:
        """Every note of the learner, oldest first."""
        rows = await self.session.scalars(
            select(DailyNote)
            .where(DailyNote.user_id == user_id)
            .order_by(DailyNote.created_at, DailyNote.id)
        )
        return rows.all()


# The hot path of every update (issue 14): the ledger's claim, the inbox's writes and the
# outbox's store and clear run as Core statements built once per dialect, so each call only
# binds values: no ORM unit of work, no statement construction, no cache-key walk.
_PROCESSED = cast(Table, ProcessedUpdate.__table__)
_INBOX = cast(Table, InboxUpdate.__table__)
_OUTBOX = cast(Table, OutboxReply.__table__)
_STATEMENTS: dict[tuple[str, str], Executable] = {}


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _upsert(dialect: str) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.Insert if dialect == "postgresql" else sqlite.Insert


def _claim_statement(dialect: str) -> Executable:
    statement = _STATEMENTS.get(("claim", dialect))
    if statement is None:
        statement = (
            _upsert(dialect)(_PROCESSED)
            .values(
                update_id=bindparam("claimed_id", type_=_PROCESSED.c.update_id.type),
                processed_at=bindparam("claimed_at", type_=_PROCESSED.c.processed_at.type),
            )
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        _STATEMENTS["claim", dialect] = statement
    return statement


def _claim_with_learner_statement() -> Executable:
    """PostgreSQL: the claim and the learner's row in one round trip. A data-modifying CTE
    runs exactly once whether or not the query reads it; the outer join keeps the one row
    (claimed 0 or 1) when the learner is new."""
    statement = _STATEMENTS.get(("claim+learner", "postgresql"))
    if statement is None:
        claim = cast(postgresql.Insert, _claim_statement("postgresql"))
        claimed = claim.returning(_PROCESSED.c.update_id).cte("claimed")
        count = select(func.count().label("claimed")).select_from(claimed).subquery("claim")
        learner_id = bindparam("learner_id", type_=User.__table__.c.id.type)
        statement = (
            select(count.c.claimed, User).select_from(count).outerjoin(User, User.id == learner_id)
        )
        _STATEMENTS["claim+learner", "postgresql"] = statement
    return statement


def _inbox_statement(dialect: str) -> Executable:
    statement = _STATEMENTS.get(("inbox", dialect))
    if statement is None:
        statement = _upsert(dialect)(_INBOX).on_conflict_do_nothing(index_elements=["update_id"])
        _STATEMENTS["inbox", dialect] = statement
    return statement


_INBOX_REMOVE = delete(_INBOX).where(_INBOX.c.update_id.in_(bindparam("ids", expanding=True)))


class UpdateLedger:
    """Remembers which Telegram updates were acted on, inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, update_id: int, now: datetime, learner_id: int | None = None) -> bool:
        """Record the update; False if it was already recorded (a redelivery).

        With `learner_id`, the learner's row (if any) is loaded into the session as well, on
        PostgreSQL in the same statement: the handler's lookup then finds it without a query.
        The row is read as of the statement's start. Only a claim that had to wait for
        another transaction's claim of the same update (a redelivery racing the first
        delivery, which then rolled back) can miss a change committed during that wait;
        writes still go through the ORM, which updates only the columns it changed.
        """
        dialect = _dialect(self.session)
        values = {"claimed_id": update_id, "claimed_at": now}
        if learner_id is None or dialect != "postgresql":
            result = await self.session.execute(_claim_statement(dialect), values)
            return bool(result.rowcount)  # type: ignore[attr-defined]
        row = (
            await self.session.execute(
                _claim_with_learner_statement(), {**values, "learner_id": learner_id}
            )
        ).one()
        # The session holds its objects weakly: keep the learner for the rest of the update.
        self.session.info["learner"] = row.User
        return bool(row.claimed)

    async def forget_before(self, cutoff: datetime) -> None:
        """Drop records older than any redelivery could be."""
        await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
        )


class UpdateInbox:
    """Fetched updates waiting to be handled (long polling only)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, updates: Sequence[tuple[int, str]], now: datetime) -> None:
        """Store `(update_id, json)` pairs; ones already stored are kept as they are."""
        if not updates:
            return
        await self.session.execute(
            _inbox_statement(_dialect(self.session)),
            [{"update_id": i, "payload": p, "received_at": now} for i, p in updates],
        )

    async def pending(self) -> Sequence[InboxUpdate]:
        """Every stored update, oldest first."""
        rows = await self.session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))
        return rows.all()

    async def size(self) -> int:
        """How many updates wait or are being handled."""
        return int(await self.session.scalar(select(func.count()).select_from(InboxUpdate)) or 0)

    async def remove(self, update_ids: Sequence[int]) -> None:
        """Forget handled updates."""
        await self.session.execute(_INBOX_REMOVE, {"ids": list(update_ids)})


class VisionRepository:
    """Photos sent to the vision models and their answers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, exchange: VisionExchange) -> VisionExchange:
        """Store a new exchange."""
        self.session.add(exchange)
        await self.session.flush()
        return exchange

    async def get_many(self, exchange_ids: Sequence[int]) -> list[VisionExchange]:
        """Exchanges by id, in message order."""
        if not exchange_ids:
            return []
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(VisionExchange.id.in_(exchange_ids))
            .order_by(VisionExchange.message_id, VisionExchange.id)
        )
        return list(rows.all())

    async def album(self, user_id: int, media_group_id: str) -> Sequence[VisionExchange]:
        """Every photo of one album, in message order."""
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(
                VisionExchange.user_id == user_id,
                VisionExchange.media_group_id == media_group_id,
            )
            .order_by(VisionExchange.message_id, VisionExchange.id)
        )
        return rows.all()

    async def count_counted_on(self, user_id: int, day: date, statuses: Sequence[str]) -> int:
        """How many of the learner's exchanges of one local day are in `statuses`."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(VisionExchange)
            .where(
                VisionExchange.user_id == user_id,
                VisionExchange.local_date == day,
                VisionExchange.status.in_(statuses),
            )
        )
        return int(count or 0)

    async def pending_before(self, before: datetime, limit: int = 500) -> Sequence[VisionExchange]:
        """Exchanges created before `before` that were never answered, oldest first."""
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(VisionExchange.status == "pending", VisionExchange.created_at < before)
            .order_by(VisionExchange.id)
            .limit(limit)
        )
        return rows.all()

    async def replies_owed(self, before: datetime, limit: int = 500) -> Sequence[VisionExchange]:
        """Finished exchanges created before `before` whose reply never reached Telegram."""
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(
                VisionExchange.status != "pending",
                VisionExchange.replied_at.is_(None),
                VisionExchange.created_at < before,
            )
            .order_by(VisionExchange.id)
            .limit(limit)
        )
        return rows.all()

    async def between(
        self, user_id: int, first_day: date, last_day: date
    ) -> Sequence[VisionExchange]:
        """The learner's exchanges from `first_day` to `last_day` (local dates, inclusive)."""
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(
                VisionExchange.user_id == user_id,
                VisionExchange.local_date >= first_day,
                VisionExchange.local_date <= last_day,
            )
            .order_by(VisionExchange.created_at, VisionExchange.id)
        )
        return rows.all()

    async def all_for_user(self, user_id: int) -> Sequence[VisionExchange]:
        """Every exchange of the learner, oldest first."""
        rows = await self.session.scalars(
            select(VisionExchange)
            .where(VisionExchange.user_id == user_id)
            .order_by(VisionExchange.created_at, VisionExchange.id)
        )
        return rows.all()


# A drain claims replies under its process's id plus this suffix, so a new reply can tell
# "being retried from the outbox" (wait behind it) from "just sent by the handler" (don't).
DRAIN_OWNER_SUFFIX = ":drain"


def _waiting_in(chat_id: ColumnElement[Any], now: ColumnElement[Any]) -> Exists:
    """Replies of the chat a new one must follow: given back after a failure (waiting out
    their back-off), being retried by a drain, or left by a sender whose lease ran out (it
    died). A handler's own fresh reply (sent, or being sent by another replica handling the
    same chat at once) is not waited for."""
    waiting = or_(
        _OUTBOX.c.owner.is_(None),
        _OUTBOX.c.lease_until < now,
        _OUTBOX.c.owner.endswith(DRAIN_OWNER_SUFFIX, autoescape=True),
    )
    return exists().where(_OUTBOX.c.chat_id == chat_id, waiting)


def _store_statement() -> Executable:
    """Store one reply: leased to `owner` unless the chat `waiting_chat` has replies waiting,
    then it waits too (owner and lease empty). Deciding in the insert saves a round trip."""
    statement = _STATEMENTS.get(("store", ""))
    if statement is None:
        c = _OUTBOX.c
        now = bindparam("now", type_=c.created_at.type)
        owner = bindparam("owner", type_=c.owner.type)
        waiting = _waiting_in(bindparam("waiting_chat", type_=c.chat_id.type), now)
        source = select(
            bindparam("chat_id", type_=c.chat_id.type),
            bindparam("payload", type_=c.payload.type),
            bindparam("attachment", type_=c.attachment.type),
            now,
            literal(0, type_=c.attempts.type),
            case((waiting, null()), else_=owner),
            case((waiting, null()), else_=bindparam("lease_until", type_=c.lease_until.type)),
        )
        columns = ["chat_id", "payload", "attachment", "created_at", "attempts", "owner"]
        statement = (
            insert(_OUTBOX).from_select([*columns, "lease_until"], source).returning(c.id, c.owner)
        )
        _STATEMENTS["store", ""] = statement
    return statement


_OUTBOX_REMOVE = delete(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))


class ReplyOutbox:
    """Replies waiting for Telegram to accept them (see `OutboxReply`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def store(
        self,
        chat_id: int,
        replies: Sequence[tuple[int, str, bytes | None]],
        now: datetime,
        owner: str,
        lease_until: datetime,
    ) -> list[int] | None:
        """Store `(chat_id, payload, attachment)` replies in order, leased to `owner` until
        `lease_until`: their ids. If `chat_id` already has replies the drain would send now,
        they are stored to wait behind them, unleased: None.

        One statement per reply decides and inserts; a later reply of the same call sees the
        earlier ones as `owner`'s (leased) or waiting, so all of them decide alike.
        """
        ids: list[int] = []
        leased = True
        for reply_chat, payload, attachment in replies:
            row = (
                await self.session.execute(
                    _store_statement(),
                    {
                        "waiting_chat": chat_id,
                        "chat_id": reply_chat,
                        "payload": payload,
                        "attachment": attachment,
                        "now": now,
                        "owner": owner,
                        "lease_until": lease_until,
                    },
                )
            ).one()
            ids.append(row.id)
            leased = leased and row.owner is not None
        return ids if leased else None

    async def add(
        self,
        replies: Sequence[tuple[int, str, bytes | None]],
        now: datetime,
        owner: str | None,
        lease_until: datetime | None,
    ) -> list[int]:
        """Store `(chat_id, payload, attachment)` replies in order; their ids, in that order."""
        if not replies:
            return []
        rows = [
            {
                "chat_id": chat_id,
                "payload": payload,
                "attachment": attachment,
                "created_at": now,
                "attempts": 0,
                "owner": owner,
                "lease_until": lease_until,
            }
            for chat_id, payload, attachment in replies
        ]
        result = await self.session.execute(
            insert(OutboxReply).returning(OutboxReply.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())

    async def take_over(self, owner: str) -> int:
        """End every other sender's lease (they are known to be gone); how many replies."""
        result = await self.session.execute(
            update(OutboxReply)
            .where(OutboxReply.owner != owner, OutboxReply.lease_until.is_not(None))
            .values(owner=None, lease_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def remove(self, reply_ids: Sequence[int]) -> None:
        """Forget replies Telegram accepted (or that can never be sent)."""
        if reply_ids:
            await self.session.execute(_OUTBOX_REMOVE, {"ids": list(reply_ids)})

    async def remove_chat(self, chat_id: int) -> None:
        """Forget every reply waiting for the chat (the learner asked to be forgotten)."""
        await self.session.execute(delete(OutboxReply).where(OutboxReply.chat_id == chat_id))

    async def retry_later(self, reply_ids: Sequence[int], not_before: datetime) -> None:
        """Give the replies up to the drain, not before `not_before`, counting an attempt."""
        if reply_ids:
            await self.session.execute(
                update(OutboxReply)
                .where(OutboxReply.id.in_(reply_ids))
                .values(owner=None, lease_until=not_before, attempts=OutboxReply.attempts + 1)
            )

    async def claim(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[OutboxReply]:
        """Claim up to `limit` due replies, oldest first, skipping any chat whose earlier
        reply another sender holds (so each chat's replies go out in order)."""
        earlier = aliased(OutboxReply)
        held_before = (
            select(earlier.id)
            .where(
                earlier.chat_id == OutboxReply.chat_id,
                earlier.id < OutboxReply.id,
                earlier.lease_until.is_not(None),
                earlier.lease_until >= now,
            )
            .exists()
        )
        due = or_(OutboxReply.lease_until.is_(None), OutboxReply.lease_until < now)
        candidates = (
            await self.session.scalars(
                select(OutboxReply.id)
                .where(due, ~held_before)
                .order_by(OutboxReply.id)
                .limit(limit)
            )
        ).all()
        if not candidates:
            return []
        # Conditional: of two replicas picking the same rows, the second finds them leased.
        claimed = await self.session.scalars(
            update(OutboxReply)
            .where(OutboxReply.id.in_(candidates), due)
            .values(owner=owner, lease_until=lease_until)
            .returning(OutboxReply)
        )
        return sorted(claimed.all(), key=lambda row: row.id)

    async def expire(self, created_before: datetime) -> list[tuple[int, int]]:
        """Drop replies too old to be worth sending; `(id, chat_id)` of each dropped one."""
        dropped = await self.session.execute(
            delete(OutboxReply)
            .where(OutboxReply.created_at < created_before)
            .returning(OutboxReply.id, OutboxReply.chat_id)
        )
        return [(row.id, row.chat_id) for row in dropped]

    async def size(self) -> int:
        """Replies not yet accepted by Telegram."""
        return int(await self.session.scalar(select(func.count()).select_from(OutboxReply)) or 0)
