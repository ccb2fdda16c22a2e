"""flexible quantities: a need's ``up_to``, the extra an allocation took on it, and what
the window's flexible needs saved each member

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE (see 0007): a batch on SQLite would copy tables others refer to
    op.add_column("needs", sa.Column("up_to", shared.db.Quantity(), nullable=True))
    op.add_column(
        "allocations",
        sa.Column("extra_quantity", shared.db.Quantity(), nullable=False, server_default="0"),
    )
    op.add_column(
        "member_savings",
        sa.Column("flexibility_saved", shared.db.Money(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table, column in [
        ("member_savings", "flexibility_saved"),
        ("allocations", "extra_quantity"),
        ("needs", "up_to"),
    ]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
