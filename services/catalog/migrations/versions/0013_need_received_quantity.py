"""what arrived for a need, once its order's receipt is booked (pooling.order.received)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "received_quantity",
                shared.db.ExactDecimal(scale=3, min_places=0),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.drop_column("received_quantity")
