"""the depot served first at a close: which window and member took each lot's stock

A movement out to a need (``to_need``) names the window whose close served it and the
need's member, so a member's window result counts what the depot served it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("depot_movements", sa.Column("window_id", sa.Integer(), nullable=True))
    op.add_column("depot_movements", sa.Column("member_id", sa.Integer(), nullable=True))
    op.create_index(
        "depot_movements_by_window", "depot_movements", ["window_id", "member_id"]
    )


def downgrade() -> None:
    op.drop_index("depot_movements_by_window", table_name="depot_movements")
    with op.batch_alter_table("depot_movements") as batch_op:
        batch_op.drop_column("member_id")
        batch_op.drop_column("window_id")
