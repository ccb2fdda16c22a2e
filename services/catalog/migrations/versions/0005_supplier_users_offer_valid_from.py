"""supplier users, offers valid from a day

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('users_supplier_id_fkey', 'suppliers', ['supplier_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('users_supplier_id_fkey', type_='foreignkey')
        batch_op.drop_column('supplier_id')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('valid_from')
