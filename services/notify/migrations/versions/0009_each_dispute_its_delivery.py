"""each dispute of a supplier invoice is its own supplier delivery

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:10:00.000000

An invoice the office reopened (by assigning its orders again) and disputed again was
kept by the key of its first dispute (supplier, kind, invoice, channel) and never sent.
``dispute_number`` says which of the invoice's disputes a delivery carries and joins the
key: every dispute delivered so far is the first (1), an order has none (0). The
downgrade drops the second and later disputes (the old key cannot hold them) and gives
the deliveries their old key back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migration_steps import rows_set_aside

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "one_supplier_delivery"


def upgrade() -> None:
    with (
        rows_set_aside("supplier_delivery_attempts"),
        op.batch_alter_table("supplier_deliveries") as batch_op,
    ):
        batch_op.add_column(
            sa.Column("dispute_number", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint(KEY, type_="unique")
        batch_op.create_unique_constraint(
            KEY, ["supplier_id", "kind", "subject_id", "dispute_number", "channel"]
        )
    op.execute("UPDATE supplier_deliveries SET dispute_number = 1 WHERE kind = 'dispute'")


def downgrade() -> None:
    later = "SELECT id FROM supplier_deliveries WHERE dispute_number > 1"
    op.execute(f"DELETE FROM supplier_delivery_attempts WHERE delivery_id IN ({later})")
    op.execute("DELETE FROM supplier_deliveries WHERE dispute_number > 1")
    with (
        rows_set_aside("supplier_delivery_attempts"),
        op.batch_alter_table("supplier_deliveries") as batch_op,
    ):
        batch_op.drop_constraint(KEY, type_="unique")
        batch_op.drop_column("dispute_number")
        batch_op.create_unique_constraint(KEY, ["supplier_id", "kind", "subject_id", "channel"])
