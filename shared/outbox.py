"""The transactional outbox and its relay.

A handler writes the events its change causes into the service's ``outbox``
table in the same transaction as the change. The relay reads a batch of
unsent rows in order, publishes the whole batch with every publisher confirm
in flight at once, and marks sent exactly the rows the broker confirmed. A
nack, a missing confirm or a crash between the publish and the mark only
publishes again: consumers are idempotent by event id.

No database transaction stays open while the broker works: the batch is read in
one short transaction and marked in another, so a request never waits for the
relay (on SQLite a transaction holds the file's write lock). On PostgreSQL one
relay of a service publishes at a time, holding an advisory lock on a connection
outside any transaction: rows go out in id order and no two relays send one batch.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from kombu import Connection
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from shared import events, metrics
from shared.changes import Changes
from shared.db import UtcDateTime
from shared.logging import correlation
from shared.messaging import declare_topology
from shared.publishing import Outgoing, Publisher

log = logging.getLogger(__name__)

# The advisory lock a service's relay holds while it publishes (its second key: the schema).
RELAY_LOCK = 0x0B0C5
# An idle relay on SQLite reads the outbox after a commit to its database, and at least
# this often (seconds) whatever happened.
RELAY_LONGEST_QUIET = 10.0


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("routing_key", String(120), nullable=False),
        Column("correlation_id", String(64), nullable=False, default=""),
        Column("body", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True),
        # The relay's look-up: the unsent rows alone, in order (vacuum may lag far behind
        # the rows it marks sent, and an index of every row would keep them all in view).
        Index(
            "outbox_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )


def inbox_table(metadata: MetaData) -> Table:
    """Events a consumer has processed: ``(consumer, event_id)`` makes it idempotent."""
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(60), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False),
    )


def unsent(table: Table, limit: int) -> Select[Any]:
    """The first ``limit`` unsent rows, in order (through the ``outbox_unsent`` index)."""
    c = table.c
    return (
        select(c.id, c.event_id, c.routing_key, c.correlation_id, c.body)
        .where(c.sent_at.is_(None))
        .order_by(c.id)
        .limit(limit)
    )


class Outbox:
    """Writes events into the outbox inside the caller's transaction."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._insert = table.insert()  # one statement, compiled once, for every event

    def add(self, session: Session, event: events.Event) -> None:
        session.connection().execute(self._insert, self._row(event))

    def add_all(self, session: Session, written: Sequence[events.Event]) -> None:
        """Many events in their order, in one statement (executemany)."""
        if written:
            session.connection().execute(self._insert, [self._row(event) for event in written])

    @staticmethod
    def _row(event: events.Event) -> dict[str, Any]:
        if not event.correlation_id:
            event = dataclasses.replace(event, correlation_id=correlation.get())
        return {
            "event_id": str(event.event_id),
            "routing_key": event.routing_key,
            "correlation_id": event.correlation_id,
            "body": events.dumps(event),
            "created_at": datetime.now(UTC),
        }


class OutboxRelay:
    """Moves outbox rows to the broker, in order, with confirms."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        connect: Callable[[], Connection],
        *,
        confirm_timeout: float,
        batch_size: int = 200,
        poll_interval: float = 0.1,
        busy_interval: float = 0.025,
    ) -> None:
        self.engine = engine
        self.changes = Changes(engine.url, RELAY_LONGEST_QUIET) if engine is not None else None
        self.table = table
        self.connect = connect
        self.confirm_timeout = confirm_timeout
        self.connection = connect()
        self.publisher = Publisher(self.connection, confirm_timeout)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.busy_interval = min(busy_interval, poll_interval)

    def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many the broker confirmed.

        The rows are read in a transaction of their own that ends before the first
        publish; the confirmed ones are marked sent in another, even when the
        connection broke during the batch (the failure is raised after that commit).
        """
        with self._turn() as ours:
            if not ours:
                return 0
            with self.engine.begin() as db:
                rows = db.execute(unsent(self.table, self.batch_size)).all()
            if not rows:
                return 0
            outcome = self.publisher.publish_batch(
                [
                    Outgoing(row.body, row.routing_key, row.event_id, row.correlation_id)
                    for row in rows
                ]
            )
            sent = [rows[index] for index in outcome.confirmed]
            if sent:
                with self.engine.begin() as db:
                    db.execute(
                        update(self.table)
                        .where(self.table.c.id.in_([row.id for row in sent]))
                        .values(sent_at=datetime.now(UTC))
                    )
        for row in sent:
            metrics.published(row.routing_key)
            token = correlation.set(row.correlation_id)
            log.info("published %s %s", row.routing_key, row.event_id)
            correlation.reset(token)
        if outcome.failure is not None:
            raise outcome.failure
        return len(sent)

    @contextmanager
    def _turn(self) -> Iterator[bool]:
        """Whether this relay may publish now. On PostgreSQL: while it holds the service's
        relay lock, taken without waiting on a connection in autocommit (no transaction);
        another relay holding it means not now. Elsewhere (one worker per SQLite file):
        always."""
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        keys = {"kind": RELAY_LOCK}
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            lock = "pg_try_advisory_lock(:kind, hashtext(current_schema()))"
            ours = bool(db.scalar(text(f"SELECT {lock}"), keys))
            try:
                yield ours
            finally:
                if ours:
                    db.scalar(
                        text("SELECT pg_advisory_unlock(:kind, hashtext(current_schema()))"), keys
                    )

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set; broker or database failures mean reconnect and go on."""
        while not stop.is_set():
            try:
                self.connection.ensure_connection(max_retries=None, interval_max=5)
                declare_topology(self.connection)
                wait, sent = self.poll_interval, 1
                while not stop.is_set():
                    sent = self.relay_once() if self._worth_a_look(sent) else 0
                    wait = self.next_wait(sent, wait)
                    stop.wait(wait)
            except Exception:
                log.exception("outbox relay failed; reconnecting")
                self._reconnect()
                stop.wait(1.0)
        self.connection.release()

    def _worth_a_look(self, sent_before: int) -> bool:
        """Whether to read the outbox now: after a pass that sent something (there may be
        more), else only when the database has changed since the last look (on SQLite:
        an idle relay reads nothing, see ``shared.changes``)."""
        return sent_before > 0 or self.changes is None or self.changes.since_last_look()

    def next_wait(self, sent: int, waited: float) -> float:
        """How long to wait before the next batch, after one of ``sent`` rows and a wait of
        ``waited`` before it: none after a full batch (a backlog); the busy interval while
        events keep coming, so that those arriving meanwhile go out together (fewer
        round trips and commits for the relay, the broker and every consumer, a need
        reaching the pool that much later); twice the last wait when none came, up to
        the poll interval."""
        if sent >= self.batch_size:
            return 0.0
        if sent:
            return self.busy_interval
        return min(max(waited, self.busy_interval) * 2, self.poll_interval)

    def _reconnect(self) -> None:
        try:
            self.connection.release()
        except Exception:
            log.debug("releasing a broken connection failed", exc_info=True)
        self.connection = self.connect()
        self.publisher = Publisher(self.connection, self.confirm_timeout)
