"""Steps that more than one service's Alembic revision takes (each calls them, so they
stay one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import op


@contextmanager
def rows_set_aside(table: str) -> Iterator[None]:
    """On SQLite a batch copies the table it alters and drops the old one, which the
    foreign key of ``table``'s rows refuses while they point at it: they wait in a
    temporary table meanwhile and come back unchanged (the altered table's rows keep their
    ids). Other databases alter in place and need nothing."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute(f"CREATE TEMP TABLE {table}_aside AS SELECT * FROM {table}")
    op.execute(f"DELETE FROM {table}")
    yield
    op.execute(f"INSERT INTO {table} SELECT * FROM {table}_aside")
    op.execute(f"DROP TABLE {table}_aside")
