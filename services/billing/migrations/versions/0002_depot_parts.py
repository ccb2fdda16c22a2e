"""what the depot served at a close, charged at book value

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "depot_parts",
        sa.Column("need_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lot_order_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", shared.db.ExactDecimal(scale=3, min_places=0), nullable=False),
        sa.Column("unit_price", shared.db.ExactDecimal(scale=4, min_places=2), nullable=False),
        sa.Column("goods", shared.db.ExactDecimal(scale=2, min_places=2), nullable=False),
        sa.Column("rest", shared.db.ExactDecimal(scale=3, min_places=0), nullable=False),
        sa.PrimaryKeyConstraint("need_id", "lot_order_id"),
    )
    op.create_index(
        "ix_depot_parts_window_member", "depot_parts", ["window_id", "member_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_depot_parts_window_member", table_name="depot_parts")
    op.drop_table("depot_parts")
