"""Database engines, sessions, exact decimals and migrations.

Each service owns its schema. On SQLite it has a file of its own; on
PostgreSQL it may share a database with the others, each service in its own
schema (selected with ``search_path`` on every connection).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Engine, Insert, Numeric, String, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:  # Alembic is imported where a schema is migrated, not by every process
    from alembic.config import Config


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored without loss: NUMERIC on PostgreSQL, canonical text on SQLite.

    Read back the same on both: trailing zeros dropped down to ``min_places``
    ("14", "6.5", "38.00", "3.1234"), never in exponent form.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 4, min_places: int = 0) -> None:
        super().__init__()
        self.scale, self.min_places = scale, min_places

    def __repr__(self) -> str:  # Alembic writes this into migrations
        return f"ExactDecimal(scale={self.scale}, min_places={self.min_places})"

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return sqlite_text(value) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else canonical(Decimal(value), self.min_places)


def sqlite_text(value: Decimal | None) -> str | None:
    """An exact decimal as SQLite stores it (``ExactDecimal``): text, never in exponent
    form."""
    if value is None:
        return None
    return format(value if isinstance(value, Decimal) else Decimal(value), "f")


def canonical(value: Decimal, min_places: int = 0) -> Decimal:
    """``value`` without trailing zeros beyond ``min_places`` decimal places."""
    stripped = value.normalize()
    if stripped.as_tuple().exponent > -min_places:  # type: ignore[operator]
        return value.quantize(Decimal(1).scaleb(-min_places))
    return stripped


def Quantity() -> ExactDecimal:
    """A quantity or pack size: up to 3 decimal places, shown without trailing zeros."""
    return ExactDecimal(scale=3, min_places=0)


def Price() -> ExactDecimal:
    """A unit price: up to 4 decimal places, shown with at least 2."""
    return ExactDecimal(scale=4, min_places=2)


def Money() -> ExactDecimal:
    """An amount in euros and cents."""
    return ExactDecimal(scale=2, min_places=2)


def utcnow() -> datetime:
    """Now, timezone-aware, for column defaults."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, service: str, **kwargs: Any) -> Engine:
    """Build (without connecting) the engine of one service."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        options = f"-csearch_path={service}"
        return create_engine(
            url,
            connect_args={"options": options},
            pool_pre_ping=True,
            **kwargs,
        )
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READS_ONLY = "zirkel_reads_only"


def reading(engine: Engine) -> Engine:
    """``engine`` for work that only reads (a GET, a look-up). On SQLite its transactions
    begin deferred, so they never wait for a writer (WAL lets them read the last commit
    meanwhile), and refuse to write (``PRAGMA query_only``): a write there would have to
    take the lock halfway and could fail with "database is locked"."""
    return engine.execution_options(**{READS_ONLY: True})


def _sqlite_begin(connection: Any) -> None:
    reads_only = bool(connection.get_execution_options().get(READS_ONLY))
    pooled = connection.connection.info  # lives as long as the SQLite connection
    if pooled.get(READS_ONLY, False) != reads_only:
        connection.exec_driver_sql(f"PRAGMA query_only = {int(reads_only)}")
        pooled[READS_ONLY] = reads_only
    # A writer takes the write lock at the start so two writers never deadlock on upgrade.
    connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back when it raises."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_on_conflict(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The dialect's ``INSERT`` that can say what happens ``ON CONFLICT`` (PostgreSQL, and
    SQLite from 3.24; with ``RETURNING`` from 3.35)."""
    dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    if dialect not in dialects:
        raise ValueError(f"no INSERT ... ON CONFLICT statement for {dialect}")
    return dialects[dialect](table)


@functools.cache
def insert_new_only(table: Table, dialect: str, returning: str | None = None) -> Insert:
    """``INSERT`` that skips a row whose key exists already (``ON CONFLICT DO NOTHING``):
    its ``rowcount`` says whether the row was new, without an error that would spoil the
    transaction, so without a savepoint around it. With ``returning`` (a column name),
    executed with many rows at once, it returns that column of the rows that were new."""
    statement = insert_on_conflict(table, dialect).on_conflict_do_nothing()
    if returning is not None:
        statement = statement.returning(table.c[returning])
    return statement.execution_options(preserve_rowcount=True)


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def migrations_of(service: str) -> Path:
    """The folder of a service's Alembic history, beside its package (not imported)."""
    spec = find_spec(service)
    if spec is None or spec.origin is None:
        raise LookupError(f"no package {service!r}")
    return Path(spec.origin).resolve().parents[1] / "migrations"


def upgrade(engine: Engine, service: str, script_location: Path, revision: str = "head") -> None:
    """Bring the service's schema to ``revision`` with its Alembic history. A schema at its
    head already is left as it is without loading the service's ``env.py`` and models."""
    from alembic import command

    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{service}"'))
    config = alembic_config(script_location)
    with engine.begin() as connection:
        if revision == "head" and at_head(connection, config):
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def at_head(connection: Any, config: Config) -> bool:
    """Whether the schema behind ``connection`` is at every head of its history."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(config).get_heads())
    return set(MigrationContext.configure(connection).get_current_heads()) == heads


def alembic_config(script_location: Path) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config
