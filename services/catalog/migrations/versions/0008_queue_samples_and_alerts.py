"""queue samples and raised alerts

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-25 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db


revision: str = '0008'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('queue_samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('queue', sa.String(length=120), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('ready', sa.Integer(), nullable=True),
    sa.Column('unacknowledged', sa.Integer(), nullable=True),
    sa.Column('consumers', sa.Integer(), nullable=True),
    sa.Column('publish_rate', sa.Float(), nullable=True),
    sa.Column('deliver_rate', sa.Float(), nullable=True),
    sa.Column('ack_rate', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_samples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_samples_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_samples_queue'), ['queue'], unique=False)

    op.create_table('ops_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('raised_at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', shared.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ops_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ops_alerts_raised_at'), ['raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ops_alerts_resolved_at'), ['resolved_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ops_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ops_alerts_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_ops_alerts_raised_at'))
    op.drop_table('ops_alerts')
    with op.batch_alter_table('queue_samples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_samples_queue'))
        batch_op.drop_index(batch_op.f('ix_queue_samples_at'))
    op.drop_table('queue_samples')
