"""needed by: a need's "benötigt bis", on the pool's need and on the allocations of its
order (what the supplier plans by)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE (see 0007): a batch on SQLite would copy tables others refer to
    op.add_column("needs", sa.Column("needed_by", sa.Date(), nullable=True))
    op.add_column("allocations", sa.Column("needed_by", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ("allocations", "needs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("needed_by")
