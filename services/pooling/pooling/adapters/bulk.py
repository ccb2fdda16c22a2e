"""Writing a close's many rows at once: COPY on PostgreSQL, one executemany elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys, values as the database stores them:
    Decimals, not floats) into ``table``, in the session's transaction.

    PostgreSQL takes them with COPY, about three times faster than an executemany of
    INSERTs for the tens of thousands of allocations of a close."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*filter(None, (table.schema, table.name))),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])
