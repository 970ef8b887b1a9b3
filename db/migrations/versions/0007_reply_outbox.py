"""reply outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=True),
        sa.Column("lease_until", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_replies")),
    )
    op.create_index("ix_outbox_replies_lease_until", "outbox_replies", ["lease_until"])
    op.create_index("ix_outbox_replies_chat_id_id", "outbox_replies", ["chat_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_replies_chat_id_id", table_name="outbox_replies")
    op.drop_index("ix_outbox_replies_lease_until", table_name="outbox_replies")
    op.drop_table("outbox_replies")
