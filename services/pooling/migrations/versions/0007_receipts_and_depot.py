"""after the order: declined lines, receipts with every correction, the depot's ledger

Rule 8 marks a declined line; rule 10 keeps the latest received quantities on the lines
and allocations (goods, shares and paid become the received ones) and every booking in
``receipts``/``receipt_lines``; rule 11's depot is one table of movements.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _quantity() -> shared.db.ExactDecimal:
    return shared.db.ExactDecimal(scale=3, min_places=0)


def upgrade() -> None:
    # plain ALTER TABLE, not a batch: on SQLite a batch copies order_lines, which the
    # allocations' foreign key refers to, and fails once orders exist
    op.add_column(
        "order_lines",
        sa.Column("declined", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("order_lines", sa.Column("received_quantity", _quantity(), nullable=True))
    op.add_column("order_lines", sa.Column("depot_quantity", _quantity(), nullable=True))
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received", _quantity(), nullable=True))
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("booked_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "revision", name="one_receipt_per_revision"),
    )
    op.create_index("ix_receipts_order_id", "receipts", ["order_id"], unique=False)
    op.create_table(
        "receipt_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("received_quantity", _quantity(), nullable=False),
        sa.Column("extra_to_depot", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_receipt_lines_receipt_id", "receipt_lines", ["receipt_id"], unique=False)
    op.create_table(
        "depot_movements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("quantity", _quantity(), nullable=False),
        sa.Column("value", shared.db.ExactDecimal(scale=2, min_places=2), nullable=False),
        sa.Column("book_value", shared.db.ExactDecimal(scale=4, min_places=2), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("booked_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("depot_movements_by_lot", "depot_movements", ["sku", "order_id"])


def downgrade() -> None:
    op.drop_index("depot_movements_by_lot", table_name="depot_movements")
    op.drop_table("depot_movements")
    op.drop_index("ix_receipt_lines_receipt_id", table_name="receipt_lines")
    op.drop_table("receipt_lines")
    op.drop_index("ix_receipts_order_id", table_name="receipts")
    op.drop_table("receipts")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_column("received")
    for column in ("depot_quantity", "received_quantity", "declined"):
        op.drop_column("order_lines", column)  # SQLite drops a column itself since 3.35
