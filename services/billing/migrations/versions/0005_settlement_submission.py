"""settlement runs are pending until submitted

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:40:00.000000

A run keeps what it collects (settlement_collections) and pays (settlement_transfers,
which replaces supplier_transfers: a supplier invoice of a discarded run may be paid by a
later one). Runs made before this revision had booked their collections already: they
are submitted, their collections read back from the payments they booked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = shared.db.ExactDecimal(scale=2, min_places=2)


def upgrade() -> None:
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=10), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
    op.execute("UPDATE settlements SET state = 'submitted', submitted_on = run_on")

    op.create_table('settlement_collections',
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('mandate_reference', sa.String(length=35), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('first', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], ),
    sa.PrimaryKeyConstraint('settlement_id', 'member_id')
    )
    with op.batch_alter_table('settlement_collections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_collections_member_id'), ['member_id'], unique=False)
    op.execute(
        "INSERT INTO settlement_collections"
        " (settlement_id, member_id, mandate_reference, amount, first)"
        " SELECT p.settlement_id, p.member_id, p.mandate_reference, p.amount,"
        " NOT EXISTS (SELECT 1 FROM payments e WHERE e.mandate_reference = p.mandate_reference"
        " AND e.settlement_id IS NOT NULL AND e.id < p.id)"
        " FROM payments p WHERE p.settlement_id IS NOT NULL AND p.mandate_reference IS NOT NULL"
    )

    op.create_table('settlement_transfers',
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('supplier_invoice_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('execute_on', sa.Date(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('skonto', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], ),
    sa.PrimaryKeyConstraint('settlement_id', 'supplier_invoice_id')
    )
    with op.batch_alter_table('settlement_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_transfers_supplier_invoice_id'), ['supplier_invoice_id'], unique=False)
    op.execute(
        "INSERT INTO settlement_transfers (settlement_id, supplier_invoice_id, supplier_id,"
        " number, execute_on, amount, skonto) SELECT settlement_id, supplier_invoice_id,"
        " supplier_id, number, execute_on, amount, skonto FROM supplier_transfers"
    )
    with op.batch_alter_table('supplier_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_transfers_settlement_id'))
    op.drop_table('supplier_transfers')


def downgrade() -> None:
    """Back to runs that book at once: a pending run's collections are lost with its
    table (its files stay), a cancelled run's transfers too."""
    op.create_table('supplier_transfers',
    sa.Column('supplier_invoice_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('execute_on', sa.Date(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('skonto', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], ),
    sa.PrimaryKeyConstraint('supplier_invoice_id')
    )
    with op.batch_alter_table('supplier_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_transfers_settlement_id'), ['settlement_id'], unique=False)
    op.execute(
        "INSERT INTO supplier_transfers SELECT t.supplier_invoice_id, t.settlement_id,"
        " t.supplier_id, t.number, t.execute_on, t.amount, t.skonto FROM settlement_transfers t"
        " JOIN settlements s ON s.id = t.settlement_id WHERE s.state != 'cancelled'"
    )
    with op.batch_alter_table('settlement_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_transfers_supplier_invoice_id'))
    op.drop_table('settlement_transfers')
    with op.batch_alter_table('settlement_collections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_collections_member_id'))
    op.drop_table('settlement_collections')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 on): a batch would copy the table and drop
    # it, which the payments' foreign key to it refuses
    for column in ('cancelled_on', 'submitted_on', 'state'):
        op.drop_column('settlements', column)
