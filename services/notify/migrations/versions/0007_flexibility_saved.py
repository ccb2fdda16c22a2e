"""what the window's flexible needs saved each member, in its savings ledger

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "savings_ledger",
        sa.Column("flexibility_saved", shared.db.Money(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("savings_ledger", schema=None) as batch_op:
        batch_op.drop_column("flexibility_saved")
