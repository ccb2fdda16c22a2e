"""Writing a close's many rows at once: COPY on PostgreSQL, one executemany elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session

from shared.db import ExactDecimal, sqlite_text


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (each a tuple of the ``columns``' values, as the database stores
    them: Decimals, not floats) into ``table``, in the session's transaction.

    PostgreSQL takes them with COPY, about three times faster than an executemany of
    INSERTs for the tens of thousands of allocations of a close."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _executemany(connection, table, columns, rows)
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*filter(None, (table.schema, table.name))),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows_returning_ids(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` as ``insert_rows`` does; the new rows' ids, in the rows' order.

    SQLAlchemy sends an INSERT ... RETURNING of many rows to SQLite one row at a time,
    and to PostgreSQL in batches read back row by row. Instead, PostgreSQL draws the ids
    from the table's sequence first and takes the rows with COPY; SQLite, whose writer
    holds the one write lock from its BEGIN IMMEDIATE, gives the rows the next ids in turn
    and they are read back after one executemany. A close's two thousand order lines are
    stored in a fifth of the time."""
    if not rows:
        return []
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        name = ".".join(filter(None, (table.schema, table.name)))
        drawn = func.nextval(func.pg_get_serial_sequence(name, "id"))
        ids = list(session.scalars(select(drawn).select_from(func.generate_series(1, len(rows)))))
        with_ids = [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)]
        insert_rows(session, table, ("id", *columns), with_ids)
        return ids
    if dialect == "sqlite":
        before = session.scalar(select(func.max(table.c.id))) or 0
        insert_rows(session, table, columns, rows)
        ids = list(session.scalars(select(table.c.id).where(table.c.id > before).order_by("id")))
        if len(ids) != len(rows):
            raise RuntimeError(f"{table.name}: {len(rows)} rows written, {len(ids)} read back")
        return ids
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    values = [dict(zip(columns, row, strict=True)) for row in rows]
    return list(session.scalars(statement, values))


def _executemany(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """SQLite takes them in one executemany of its driver, each value written as its
    column's type writes it (the exact decimals as canonical text, dates as ISO text):
    half the time of SQLAlchemy's executemany, which builds a dict of parameters per row."""
    dialect = connection.dialect
    binds = [
        sqlite_text
        if isinstance(table.c[column].type, ExactDecimal)
        else table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        for column in columns
    ]
    converted = [(i, bind) for i, bind in enumerate(binds) if bind is not None]
    values = []
    for row in rows:
        value = list(row)
        for i, bind in converted:
            value[i] = bind(value[i])
        values.append(tuple(value))
    quote = dialect.identifier_preparer
    named = ", ".join(quote.quote(column) for column in columns)
    marks = ", ".join("?" for _ in columns)  # columns left out take their server defaults
    statement = f"INSERT INTO {quote.format_table(table)} ({named}) VALUES ({marks})"
    connection.exec_driver_sql(statement, values)
