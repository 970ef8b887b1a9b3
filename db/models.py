"""The schema as typed SQLAlchemy models; Alembic migrations are the only way it changes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime

# Stable constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with naming conventions and UTC timestamps."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class BlockStatus(enum.StrEnum):
    """Life cycle of a focus block."""

    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class User(Base):
    """A learner, keyed by their Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    # Preferences that later features add without a schema change of their own.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The block whose 10-15 minute recap the next plain text message becomes.
    awaiting_recap_block_id: Mapped[int | None] = mapped_column(Integer, default=None)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FocusBlock(Base):
    """One timed focus block: work, then a short written recap."""

    __tablename__ = "focus_blocks"
    __table_args__ = (
        # At most one running block per learner, enforced by the database itself.
        Index(
            "uq_focus_blocks_one_running",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
        Index("ix_focus_blocks_status_planned_end", "status", "planned_end_at"),
        Index("ix_focus_blocks_user_local_date", "user_id", "local_date"),
        # The sweep's "who is still owed a block-end message" stays cheap with many blocks.
        Index(
            "ix_focus_blocks_owed_notification",
            "finished_at",
            sqlite_where=text("status = 'completed' AND notified_at IS NULL"),
            postgresql_where=text("status = 'completed' AND notified_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200), default="")
    planned_minutes: Mapped[int]
    status: Mapped[BlockStatus] = mapped_column(
        Enum(
            BlockStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    started_at: Mapped[datetime]
    planned_end_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # The learner's local date when the block started: what "today" and streaks count.
    local_date: Mapped[date] = mapped_column(Date)
    recap: Mapped[str | None] = mapped_column(Text)
    recap_at: Mapped[datetime | None]
    # When the learner was told the block ended; NULL means the message is still owed.
    notified_at: Mapped[datetime | None]
    # Which bot process is sending that message, and until when (wall-clock time, not the
    # coach's clock) its claim holds; a claim whose holder died expires and is taken over.
    notify_claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    notify_lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Completed after its planned end because the bot was not running then.
    late: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class RewardItem(Base):
    """One entry of a learner's reward menu."""

    __tablename__ = "reward_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class RewardGrant(Base):
    """A reward taken for one completed block; a block earns at most one."""

    __tablename__ = "reward_grants"
    __table_args__ = (UniqueConstraint("block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("focus_blocks.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("reward_items.id", ondelete="SET NULL"), default=None
    )
    # The item's title when granted, kept even if the item is later removed.
    title: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[datetime]


class DailyNote(Base):
    """An entry of the plan's "今日记录" (today's log)."""

    __tablename__ = "daily_notes"
    __table_args__ = (Index("ix_daily_notes_user_local_date", "user_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """A Telegram update already acted on, so a redelivery after a crash is ignored."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime]
