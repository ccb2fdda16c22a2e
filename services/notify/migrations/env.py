"""Alembic environment of the notify schema."""

from notify.adapters.orm import Base
from shared.migrations import run

run(Base.metadata)
