"""Alembic environment of the billing schema: the tables of billing's ORM."""

from billing.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
