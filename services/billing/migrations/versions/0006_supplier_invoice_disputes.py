"""supplier invoices count their disputes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:00:00.000000

An invoice the office disputed, then reopened by assigning its orders again, may be
disputed again: ``disputes`` counts them, and each dispute's event carries its number
so the supplier hears every one. An invoice disputed now has had one dispute; how many
a reopened invoice had before this revision is not known (0).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN as it is on SQLite too: a batch would copy the table, which the foreign
    # keys of the invoices' orders point at
    op.add_column(
        "supplier_invoices",
        sa.Column("disputes", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute("UPDATE supplier_invoices SET disputes = 1 WHERE decision = 'disputed'")


def downgrade() -> None:
    # DROP COLUMN (SQLite 3.35 on), for the same reason
    op.drop_column("supplier_invoices", "disputes")
