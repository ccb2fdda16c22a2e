"""pooling's copy of an offer keeps its product's VAT rate (catalog.offer.updated)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch_op:
        batch_op.add_column(
            sa.Column(
                "vat_rate",
                shared.db.ExactDecimal(scale=2, min_places=0),
                nullable=False,
                server_default="19",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch_op:
        batch_op.drop_column("vat_rate")
