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
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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


class InboxUpdate(Base):
    """An update fetched by long polling and not yet fully handled.

    Stored before Telegram is told (by the next offset) that it arrived, so a slow update
    never holds back the others and a crash loses none.
    """

    __tablename__ = "inbox_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]


class OutboxReply(Base):
    """A reply written in the same transaction as the handler's changes, until Telegram took it.

    The process that handled the update sends it right after the commit and deletes the row;
    what a crash or an outage leaves here is sent later by whichever replica is alive
    (`jobs.outbox`), in order per chat. `lease_until` is when the current sender's claim (or the
    back-off after a failed attempt) ends.
    """

    __tablename__ = "outbox_replies"
    __table_args__ = (
        Index("ix_outbox_replies_lease_until", "lease_until"),
        Index("ix_outbox_replies_chat_id_id", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # The reply (text, buttons, poll, receipt) as JSON; an attachment's bytes go beside it.
    payload: Mapped[str] = mapped_column(Text)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    owner: Mapped[str | None] = mapped_column(String(80), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)


class StudyPlanRecord(Base):
    """A learner's plan: their own Markdown document, or none for the project's default plan."""

    __tablename__ = "study_plans"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The imported document exactly as sent (export changes only the tick marks); NULL means
    # the project's default plan in the learner's language.
    document: Mapped[str | None] = mapped_column(Text, default=None)
    file_name: Mapped[str | None] = mapped_column(String(255), default=None)
    # Bumped by every import, so tick buttons of a replaced plan are recognised as stale.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Week 1 starts on this local date; NULL means the local date of the learner's first contact.
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    imported_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class PlanTick(Base):
    """A ticked checklist item of the learner's plan."""

    __tablename__ = "plan_ticks"
    __table_args__ = (UniqueConstraint("user_id", "item_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    # The item's ordinal among the plan's checklist items (coach.plan.parser.ChecklistItem.index).
    item_index: Mapped[int]
    ticked_at: Mapped[datetime]


class QuizCard(Base):
    """One question's spaced-repetition card for one learner (FSRS state)."""

    __tablename__ = "quiz_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        Index("ix_quiz_cards_user_due", "user_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # fsrs.Card.to_dict(): state, step, stability, difficulty, due, last_review.
    fsrs: Mapped[dict[str, Any]]
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class QuizPrompt(Base):
    """A question put to the learner: a quiz poll or an explain-in-your-own-words message.

    Telegram's poll_answer update names only the poll, so this is how an answer finds its
    learner and card; it also holds the answer, its latency and the rating it earned.
    """

    __tablename__ = "quiz_prompts"
    __table_args__ = (Index("ix_quiz_prompts_user_sent", "user_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # choice | explain
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    poll_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Options as sent (shuffled): which of them are right, and each one's index in the bank.
    correct_option_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime]
    # The first prompt of the round this one belongs to (its own id for the first), and how
    # many more questions the round sends after this one is answered.
    round_id: Mapped[int | None] = mapped_column(Integer, default=None)
    round_left: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime | None]
    chosen_option_ids: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    correct: Mapped[bool | None] = mapped_column(default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)  # 0..1
    latency_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)  # fsrs.Rating
    answer_text: Mapped[str | None] = mapped_column(Text, default=None)
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    grader: Mapped[str | None] = mapped_column(String(16), default=None)  # llm | offline
    # Skipped, or replaced by a new round, without an answer.
    closed_at: Mapped[datetime | None]


class CoachMessage(Base):
    """One turn of the learner's conversation with the coach (kept across restarts)."""

    __tablename__ = "coach_messages"
    __table_args__ = (Index("ix_coach_messages_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(16), default=None)  # llm | offline
    created_at: Mapped[datetime]


class Schedule(Base):
    """One kind of scheduled message for one learner, with its next due instant precomputed.

    `next_due_at` is NULL while the schedule is switched off or the learner blocked the bot;
    `zone` is the timezone it was computed in, so a changed timezone is noticed.
    """

    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_next_due_at", "next_due_at"),)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Local time of day in minutes after midnight, and the weekday (0 = Monday) for weekly kinds.
    local_minutes: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer, default=None)
    enabled: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    zone: Mapped[str] = mapped_column(String(64))
    next_due_at: Mapped[datetime | None]
    next_local_date: Mapped[date | None] = mapped_column(Date, default=None)
    updated_at: Mapped[datetime]


class ScheduledDelivery(Base):
    """One scheduled message for one learner and local date: claimed, sent, skipped or failed.

    The unique (user, kind, local date) constraint is what makes a message go out at most once,
    whatever number of processes race for it.
    """

    __tablename__ = "scheduled_deliveries"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "kind", "local_date", name="uq_scheduled_deliveries_occurrence"
        ),
        Index("ix_scheduled_deliveries_status_claimed_at", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    # claimed → sending → sent | failed | unknown; claimed → skipped (stale or paused).
    status: Mapped[str] = mapped_column(String(16))
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    sent_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    detail: Mapped[str | None] = mapped_column(String(200), default=None)


class SchedulePause(Base):
    """A vacation: no scheduled messages on these local days, and they don't break the streak."""

    __tablename__ = "schedule_pauses"
    __table_args__ = (Index("ix_schedule_pauses_user_last_day", "user_id", "last_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]


class VisionExchange(Base):
    """A photo sent to the vision models and what came back (or why nothing did)."""

    __tablename__ = "vision_exchanges"
    __table_args__ = (
        Index("ix_vision_exchanges_user_local_date", "user_id", "local_date"),
        Index("ix_vision_exchanges_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # The learner's photo message, which the answer replies to.
    message_id: Mapped[int] = mapped_column(BigInteger)
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    # Photos of one album share it; the album's caption applies to all of them.
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(Text)
    # pending -> answered | failed; what was asked is filled in when the request is resolved.
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    prompt: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[list[str] | None] = mapped_column(JSON)
    answer: Mapped[str | None] = mapped_column(Text)
    scores: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(32))
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    # The learner's local date when the photo arrived: what the daily limit counts.
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    # When the reply reached Telegram; NULL on a finished exchange means it is still owed.
    replied_at: Mapped[datetime | None]
