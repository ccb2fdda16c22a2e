"""Alembic environment of the billing schema: the tables of every billing ORM module."""

from billing.adapters import supplier_invoice_orm  # noqa: F401  (its tables)
from billing.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
