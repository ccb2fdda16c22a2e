"""a member's language; members and suppliers can be deactivated

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("language", sa.String(5), nullable=False, server_default="de"))
        table.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("suppliers") as table:
        table.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("suppliers") as table:
        table.drop_column("active")
    with op.batch_alter_table("members") as table:
        table.drop_column("active")
        table.drop_column("language")
