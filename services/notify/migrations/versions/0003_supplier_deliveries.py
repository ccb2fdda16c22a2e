"""supplier directory, supplier deliveries and their attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("supplier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("delivery_channel", sa.String(length=10), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("updated_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )
    op.create_table(
        "supplier_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("to", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", shared.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", shared.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("supplier_id", "order_id", "channel"),
    )
    with op.batch_alter_table("supplier_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supplier_deliveries_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_deliveries_supplier_id"), ["supplier_id"], unique=False
        )
    op.create_table(
        "supplier_delivery_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", shared.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["supplier_deliveries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supplier_delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_delivery_attempts_delivery_id"), ["delivery_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supplier_delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_delivery_attempts_delivery_id"))
    op.drop_table("supplier_delivery_attempts")
    with op.batch_alter_table("supplier_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_deliveries_supplier_id"))
        batch_op.drop_index("ix_supplier_deliveries_due")
    op.drop_table("supplier_deliveries")
    op.drop_table("suppliers")
