"""the members' invoices as billing announced them; an e-mail may carry an invoice

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = shared.db.ExactDecimal(scale=2, min_places=2)
WHEN = shared.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("invoice_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("net_total", MONEY, nullable=False),
        sa.Column("vat_total", MONEY, nullable=False),
        sa.Column("gross_total", MONEY, nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("invoice_id"),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoices_window_id"), ["window_id"], unique=False)
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_invoice_id"), ["invoice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_invoice_id"))
        batch_op.drop_column("invoice_id")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_window_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_member_id"))
    op.drop_table("invoices")
