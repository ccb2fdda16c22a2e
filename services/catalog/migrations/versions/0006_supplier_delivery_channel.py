"""supplier delivery channel: e-mail, webhook (URL and secret) or AMQP queue

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "delivery_channel", sa.String(length=10), nullable=False, server_default="email"
            )
        )
        batch_op.add_column(sa.Column("webhook_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("webhook_secret", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_column("webhook_secret")
        batch_op.drop_column("webhook_url")
        batch_op.drop_column("delivery_channel")
