"""the outbox's unsent rows found through a partial index of their own

The relay looks for unsent rows many times a second. An index of ``sent_at`` keeps an
entry for every row ever sent until vacuum runs, and the look-up walked them all; an
index of ``id`` over the unsent rows alone stays as small as the backlog.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT = sa.text("sent_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.create_index(
        "outbox_unsent", "outbox", ["id"], postgresql_where=UNSENT, sqlite_where=UNSENT
    )


def downgrade() -> None:
    op.drop_index("outbox_unsent", table_name="outbox")
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
