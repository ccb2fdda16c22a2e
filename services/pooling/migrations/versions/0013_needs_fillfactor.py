"""needs: room on each page for every need's update at its close (fillfactor 45 on
PostgreSQL), so the close writes the needs' new versions in place (HOT)

Pages written before keep what they hold; the needs posted from now on get the room.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE needs SET (fillfactor = 45)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE needs RESET (fillfactor)")
