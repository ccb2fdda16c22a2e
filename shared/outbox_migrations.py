"""Schema changes of the outbox table that every service makes in its own history (each
service's Alembic revision calls these, so the three stay one)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UNSENT = sa.text("sent_at IS NULL")


def index_the_unsent_rows() -> None:
    """The relay looks for unsent rows many times a second. An index of ``sent_at`` keeps
    an entry for every row ever sent until vacuum runs, and the look-up walked them all;
    an index of ``id`` over the unsent rows alone stays as small as the backlog."""
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.create_index("outbox_unsent", "outbox", ["id"], postgresql_where=UNSENT, sqlite_where=UNSENT)


def index_sent_at_again() -> None:
    op.drop_index("outbox_unsent", table_name="outbox")
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
