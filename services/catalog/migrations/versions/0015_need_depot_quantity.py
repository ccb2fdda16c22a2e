"""what the depot served of a need at a close (pooling.depot.served, rule 11)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "depot_quantity",
                shared.db.ExactDecimal(scale=3, min_places=0),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.drop_column("depot_quantity")
