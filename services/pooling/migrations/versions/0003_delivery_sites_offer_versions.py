"""delivery sites, offer versions, a window's prices fixed at its first need

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('offer_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('pack_size', shared.db.ExactDecimal(scale=3, min_places=0), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('announced_at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('offer_versions_by_offer', 'offer_versions', ['supplier_id', 'sku'], unique=False)
    # The offers known so far were in force from the start.
    op.execute(
        "INSERT INTO offer_versions (supplier_id, sku, pack_size, tiers, active, announced_at)"
        " SELECT supplier_id, sku, pack_size, tiers, active, '1970-01-02 00:00:00' FROM offers"
    )
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prices_fixed_at', shared.db.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE windows SET prices_fixed_at = opened_at")  # all offers date from 1970
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_site', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('joined_at', shared.db.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_site', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_column('delivery_site')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('joined_at')
        batch_op.drop_column('delivery_site')
    with op.batch_alter_table('windows', schema=None) as batch_op:
        batch_op.drop_column('prices_fixed_at')
    op.drop_index('offer_versions_by_offer', table_name='offer_versions')
    op.drop_table('offer_versions')
