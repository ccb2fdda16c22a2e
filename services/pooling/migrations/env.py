"""Alembic environment of the pooling schema."""

from pooling.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
