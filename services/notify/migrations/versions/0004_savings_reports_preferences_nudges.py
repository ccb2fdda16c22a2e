"""savings reports, preferences and nudges

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = shared.db.ExactDecimal(scale=2, min_places=2)
PRICE = shared.db.ExactDecimal(scale=4, min_places=2)
QUANTITY = shared.db.ExactDecimal(scale=3, min_places=0)
WHEN = shared.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('savings_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', QUANTITY, nullable=False),
    sa.Column('unit_price', PRICE, nullable=False),
    sa.Column('goods', MONEY, nullable=False),
    sa.Column('shipping_share', MONEY, nullable=False),
    sa.Column('paid', MONEY, nullable=False),
    sa.Column('closed_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'need_id')
    )
    with op.batch_alter_table('savings_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_savings_lines_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_savings_lines_window_id'), ['window_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_savings_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_savings_lines_sku'), ['sku'], unique=False)

    op.create_table('preferences',
    sa.Column('member_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('app', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('nudge_bought', sa.Boolean(), nullable=False),
    sa.Column('nudge_trade', sa.Boolean(), nullable=False),
    sa.Column('quiet_from', sa.Time(), nullable=True),
    sa.Column('quiet_until', sa.Time(), nullable=True),
    sa.Column('membership_fee', MONEY, nullable=True),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('member_id')
    )
    op.create_table('nudges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('missing', QUANTITY, nullable=False),
    sa.Column('unit_price', PRICE, nullable=False),
    sa.Column('next_unit_price', PRICE, nullable=False),
    sa.Column('everyone_saves', MONEY, nullable=False),
    sa.Column('due_at', WHEN, nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member_id', 'window_id', 'sku')
    )
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('window_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('html')
        batch_op.drop_column('window_id')
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudges_member_id'))
    op.drop_table('nudges')
    op.drop_table('preferences')
    with op.batch_alter_table('savings_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_savings_lines_sku'))
        batch_op.drop_index(batch_op.f('ix_savings_lines_order_id'))
        batch_op.drop_index(batch_op.f('ix_savings_lines_window_id'))
        batch_op.drop_index(batch_op.f('ix_savings_lines_member_id'))
    op.drop_table('savings_lines')
