"""Wiring one service's runtime from its settings: built on demand, never at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session, sessionmaker

from shared import db
from shared.messaging import connect
from shared.outbox import Outbox, inbox_table, outbox_table
from shared.settings import Settings


def messaging_tables(metadata: MetaData) -> dict[str, Table]:
    """Add the outbox and the consumer's inbox to a service's metadata."""
    return {"outbox": outbox_table(metadata), "inbox": inbox_table(metadata)}


@dataclass
class Runtime:
    service: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    """Sessions for work that only reads: on SQLite they wait for no writer."""
    outbox: Outbox
    tables: dict[str, Table]
    migrations: Path
    reports: dict[str, Callable[[], dict[str, object]]] = field(default_factory=dict)
    """Figures a service adds to its readiness answer, by name (read from its database)."""

    @classmethod
    def build(cls, service: str, settings: Settings, tables: dict[str, Table]) -> Runtime:
        """The runtime of ``service``, whose migrations live beside its package."""
        migrations = db.migrations_of(service)
        engine = db.make_engine(settings.database_url(service), service)
        return cls(
            service=service,
            settings=settings,
            engine=engine,
            sessions=db.session_factory(engine),
            reads=db.session_factory(db.reading(engine)),
            outbox=Outbox(tables["outbox"]),
            tables=tables,
            migrations=migrations,
        )

    def migrate(self) -> None:
        db.upgrade(self.engine, self.service, self.migrations)

    def ready_checks(self) -> dict[str, object]:
        return {"database": lambda: db.ping(self.engine), "broker": self.ping_broker}

    def ping_broker(self) -> None:
        with connect(self.settings) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
