"""Alembic environment of the catalog schema."""

from catalog.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
