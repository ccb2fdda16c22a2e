"""products carry a VAT rate; members what their invoices and SEPA mandate need

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBER_COLUMNS = (
    ("legal_name", sa.String(200)),
    ("street", sa.String(200)),
    ("city", sa.String(100)),
    ("vat_id", sa.String(20)),
    ("iban", sa.String(34)),
    ("mandate_reference", sa.String(35)),
    ("mandate_signed_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(
            sa.Column(
                "vat_rate",
                shared.db.ExactDecimal(scale=2, min_places=0),
                nullable=False,
                server_default="19",
            )
        )
    with op.batch_alter_table("members") as batch_op:
        for name, kind in MEMBER_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.add_column(
            sa.Column("country", sa.String(2), nullable=False, server_default="DE")
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("country")
        for name, _kind in reversed(MEMBER_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("vat_rate")
