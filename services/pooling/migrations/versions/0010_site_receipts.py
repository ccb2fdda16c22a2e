"""a member books what arrived at its delivery site (rule 10), once per line and site

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_receipts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("delivery_site", sa.String(200), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column(
            "received_quantity", shared.db.ExactDecimal(scale=3, min_places=0), nullable=False
        ),
        sa.Column("booked_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "order_id", "member_id", "delivery_site", "sku", name="one_site_receipt_per_line"
        ),
    )
    op.create_index("ix_site_receipts_order_id", "site_receipts", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_site_receipts_order_id", table_name="site_receipts")
    op.drop_table("site_receipts")
