"""the outbox's event bodies compressed with lz4 on PostgreSQL (where the server has it)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:10:00.000000
"""

from collections.abc import Sequence

from shared.outbox_migrations import compress_bodies_by_default, compress_bodies_with_lz4

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    compress_bodies_with_lz4()


def downgrade() -> None:
    compress_bodies_by_default()
