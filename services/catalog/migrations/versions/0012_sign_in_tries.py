"""sign-in tries counted per e-mail and address before the password is checked

One row per e-mail and address (and per address, e-mail empty) with the tries of its
window, counted by one INSERT ... ON CONFLICT DO UPDATE; it replaces the list of
failures, which parallel tries could all read as below the limit. The failures of the
last 15 minutes are not carried over: each pair starts its count anew.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_tries",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("since", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", "email"),
    )
    op.create_index(op.f("ix_sign_in_tries_since"), "sign_in_tries", ["since"], unique=False)
    op.drop_index(op.f("ix_sign_in_failures_failed_at"), table_name="sign_in_failures")
    op.drop_index(op.f("ix_sign_in_failures_address"), table_name="sign_in_failures")
    op.drop_index(op.f("ix_sign_in_failures_email"), table_name="sign_in_failures")
    op.drop_table("sign_in_failures")


def downgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("email", "address", "failed_at"):
        op.create_index(
            op.f(f"ix_sign_in_failures_{column}"), "sign_in_failures", [column], unique=False
        )
    op.drop_index(op.f("ix_sign_in_tries_since"), table_name="sign_in_tries")
    op.drop_table("sign_in_tries")
