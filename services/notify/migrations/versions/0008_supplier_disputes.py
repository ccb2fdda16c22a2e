"""supplier deliveries of a kind (an order or the dispute of an invoice) and its subject

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:40:00.000000

A delivery to a supplier was one order on one channel; now it is an order or the
dispute of one of the supplier's invoices: ``kind`` says which (every row so far is an
order) and ``order_id`` becomes ``subject_id``. Disputes e-mailed before, as e-mails
of notify's member log (kind ``invoice_disputed``), are named as disputes to suppliers
are in the delivery log (``supplier_dispute``). The downgrade drops the disputes to
suppliers (an order's table cannot hold them) and names those e-mails back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migration_steps import rows_set_aside

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's name of the unnamed key of 0003; on SQLite, the name the batch gives it
OLD_KEY = "supplier_deliveries_supplier_id_order_id_channel_key"
NAMING = {"uq": "%(table_name)s_%(column_0_N_name)s_key"}


def upgrade() -> None:
    with rows_set_aside("supplier_delivery_attempts"):
        with op.batch_alter_table("supplier_deliveries", naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint(OLD_KEY, type_="unique")
            batch_op.alter_column("order_id", new_column_name="subject_id")
            batch_op.add_column(
                sa.Column("kind", sa.String(length=10), nullable=False, server_default="order")
            )
        with op.batch_alter_table("supplier_deliveries") as batch_op:
            batch_op.create_unique_constraint(
                "one_supplier_delivery", ["supplier_id", "kind", "subject_id", "channel"]
            )
    op.execute("UPDATE deliveries SET kind = 'supplier_dispute' WHERE kind = 'invoice_disputed'")


def downgrade() -> None:
    op.execute("UPDATE deliveries SET kind = 'invoice_disputed' WHERE kind = 'supplier_dispute'")
    disputes = "SELECT id FROM supplier_deliveries WHERE kind <> 'order'"
    op.execute(f"DELETE FROM supplier_delivery_attempts WHERE delivery_id IN ({disputes})")
    op.execute("DELETE FROM supplier_deliveries WHERE kind <> 'order'")
    with rows_set_aside("supplier_delivery_attempts"):
        with op.batch_alter_table("supplier_deliveries") as batch_op:
            batch_op.drop_constraint("one_supplier_delivery", type_="unique")
            batch_op.drop_column("kind")
            batch_op.alter_column("subject_id", new_column_name="order_id")
        with op.batch_alter_table("supplier_deliveries") as batch_op:
            batch_op.create_unique_constraint(OLD_KEY, ["supplier_id", "order_id", "channel"])
