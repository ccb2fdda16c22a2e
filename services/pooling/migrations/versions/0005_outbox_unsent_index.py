"""the outbox's unsent rows found through a partial index of their own

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 06:10:00.000000
"""

from collections.abc import Sequence

from shared.outbox_migrations import index_sent_at_again, index_the_unsent_rows

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_the_unsent_rows()


def downgrade() -> None:
    index_sent_at_again()
