"""a need's Idempotency-Key, unique per member where it is given

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GIVEN = sa.text("idempotency_key IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("needs") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_needs_member_idempotency_key",
        "needs",
        ["member_id", "idempotency_key"],
        unique=True,
        postgresql_where=GIVEN,
        sqlite_where=GIVEN,
    )


def downgrade() -> None:
    op.drop_index("uq_needs_member_idempotency_key", table_name="needs")
    with op.batch_alter_table("needs") as batch_op:
        batch_op.drop_column("idempotency_key")
