"""pooling remembers whether a supplier is active (catalog.supplier.updated's ``active``)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supplier_terms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("supplier_terms", schema=None) as batch_op:
        batch_op.drop_column("active")
