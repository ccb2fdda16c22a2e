"""Alembic environment of the notify schema: the tables of every notify ORM module."""

from notify.adapters import orm_invoices, orm_savings, supplier_orm  # noqa: F401  (their tables)
from notify.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
