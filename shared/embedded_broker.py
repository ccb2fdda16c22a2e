"""The embedded broker: kombu's SQLAlchemy transport with leases, for a broker without a server.

kombu's own transport (``sqla+``) marks a message invisible when a consumer takes it and
never looks at it again: a consumer killed before its ack leaves the message invisible for
good. This transport (URL ``zirkel+sqlite:///var/broker.db``) gives every taken message a
lease instead, as SQS and kombu's Redis transport do with their visibility timeout:

- taking a message sets ``lease_until`` to now plus the visibility timeout and counts the
  delivery; a message whose lease has run out is taken again like a new one (and carries
  ``x-delivery-count``, the number of earlier deliveries, as on RabbitMQ's quorum queues);
- while a channel holds messages, a thread of it renews their leases every third of the
  timeout, so a slow consumer that is alive keeps its messages; a dead one stops renewing;
- an ack or a reject deletes the row (kombu's transport kept acked rows forever); a requeue
  or a channel closed with messages unacked makes the same row visible again at its place;
- a queue declared with ``x-dead-letter-exchange`` and ``x-delivery-limit`` moves a message
  delivered more than the limit's returns to its dead-letter queue in one transaction,
  with ``x-first-death-reason: delivery_limit`` as RabbitMQ does.

A message is delivered at least once: one whose consumer could not renew its lease in time
(the process stalled longer than the timeout) may be handled twice, which the idempotent
consumers make harmless. The broker's file is in WAL mode, so polling readers never wait.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from queue import Empty
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Text,
    column,
    create_engine,
    event,
    func,
    inspect,
    table,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

ALIAS = "zirkel"
DEFAULT_VISIBILITY_TIMEOUT = 15.0  # seconds a taken message stays invisible without renewal
BUSY_TIMEOUT = 30.0  # seconds a writer waits for SQLite's write lock
NOT_FOR_ENGINE = (  # transport options that are not create_engine's
    *("visibility_timeout", "queue_tablename", "message_tablename", "callback", "errback"),
    *("max_retries", "retry_errors", "interval_start", "interval_step", "interval_max"),
)
LEASE_COLUMNS = {
    "lease_until": "FLOAT",
    "deliveries": "INTEGER NOT NULL DEFAULT 0",
}


def messages_table(name: str) -> Any:
    return table(
        name,
        column("id", Integer),
        column("queue_id", Integer),
        column("visible", Boolean),
        column("payload", Text),
        column("version", Integer),
        column("lease_until", Float),
        column("deliveries", Integer),
    )


def add_lease_columns(engine: Engine, tablename: str) -> None:
    """Bring a broker file made by kombu's transport up to this one (idempotent, and safe
    when several processes do it at once)."""
    for name, kind in LEASE_COLUMNS.items():
        if name in {c["name"] for c in inspect(engine).get_columns(tablename)}:
            continue
        try:
            with engine.begin() as db:
                db.execute(text(f"ALTER TABLE {tablename} ADD COLUMN {name} {kind}"))
        except OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise
    with engine.begin() as db:
        db.execute(
            text(f"CREATE INDEX IF NOT EXISTS ix_{tablename}_lease ON {tablename} (lease_until)")
        )


class Leases:
    """The rows a channel holds, by delivery tag; a thread renews their leases while any
    are held."""

    def __init__(self, engine: Engine, tablename: str, timeout: float) -> None:
        self.engine, self.timeout = engine, timeout
        self.messages = messages_table(tablename)
        self._rows: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._renewer: threading.Thread | None = None

    def hold(self, delivery_tag: str, row_id: int) -> None:
        with self._lock:
            self._rows[delivery_tag] = row_id
            if self._renewer is None:
                self._renewer = threading.Thread(
                    target=self._keep_renewing, name="broker-leases", daemon=True
                )
                self._renewer.start()

    def release(self, delivery_tag: str) -> int | None:
        with self._lock:
            return self._rows.pop(delivery_tag, None)

    def close(self) -> None:
        self._closed.set()

    def _keep_renewing(self) -> None:
        while not self._closed.wait(self.timeout / 3):
            with self._lock:
                held = list(self._rows.values())
            if held:
                try:
                    self.renew(held)
                except Exception as exc:  # the next round tries again; at worst a duplicate
                    log.warning("renewing %d broker leases failed: %s", len(held), exc)

    def renew(self, row_ids: list[int]) -> None:
        m = self.messages
        with self.engine.begin() as db:
            db.execute(
                m.update()
                .where(m.c.id.in_(row_ids), m.c.visible == False)  # noqa: E712 - SQL
                .values(lease_until=time.time() + self.timeout)
            )


class Channel(kombu_sqla.Channel):
    """kombu's SQLAlchemy channel with leased messages (see the module's docstring)."""

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        options = connection.client.transport_options
        self.visibility_timeout = float(
            options.get("visibility_timeout", DEFAULT_VISIBILITY_TIMEOUT)
        )
        engine, _ = self._open()
        self.messages = messages_table(self.message_tablename)
        self.leases = Leases(engine, self.message_tablename, self.visibility_timeout)

    def _engine_from_config(self) -> Engine:
        options = {
            k: v
            for k, v in self.connection.client.transport_options.items()
            if k not in NOT_FOR_ENGINE
        }
        url = self.connection.client.hostname
        sqlite = url.startswith("sqlite")
        if sqlite:
            options.setdefault("connect_args", {"timeout": BUSY_TIMEOUT})
        engine = create_engine(url, **options)
        if sqlite:
            event.listen(engine, "connect", _write_ahead_log)
        return engine

    def _open(self) -> Any:
        hostname = self.connection.client.hostname
        engine, sessions = super()._open()
        if hostname not in _UPGRADED:
            add_lease_columns(engine, self.message_tablename)
            _UPGRADED.add(hostname)
        return engine, sessions

    def _new_queue(self, queue: str, **kwargs: Any) -> None:
        super()._new_queue(queue, **kwargs)
        self.connection.queue_arguments[queue] = dict(kwargs.get("arguments") or {})

    def _get(self, queue: str) -> dict[str, Any]:
        queue_id = self._get_or_create(queue).id
        if not self._anything_to_take(queue_id):
            raise Empty()
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            while (row := self._next_row(queue_id)) is not None:
                if not self._over_delivery_limit(queue, row):
                    return self._take(row)
            raise Empty()
        finally:
            session.commit()

    def _takeable(self, queue_id: int) -> Any:
        m = self.messages
        return (m.c.queue_id == queue_id) & (
            (m.c.visible == True) | (m.c.lease_until < time.time())  # noqa: E712 - SQL
        )

    def _anything_to_take(self, queue_id: int) -> bool:
        """A look without the write lock: an idle queue's poll writes nothing."""
        m = self.messages
        found = self.session.execute(
            m.select().with_only_columns(m.c.id).where(self._takeable(queue_id)).limit(1)
        ).first()
        self.session.commit()
        return found is not None

    def _next_row(self, queue_id: int) -> Any:
        m = self.messages
        return self.session.execute(
            m.select()
            .with_only_columns(m.c.id, m.c.payload, m.c.deliveries)
            .where(self._takeable(queue_id))
            .order_by(m.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()

    def _take(self, row: Any) -> dict[str, Any]:
        m = self.messages
        self.session.execute(
            m.update()
            .where(m.c.id == row.id)
            .values(
                visible=False,
                lease_until=time.time() + self.visibility_timeout,
                deliveries=m.c.deliveries + 1,
            )
        )
        payload = json.loads(row.payload)
        if row.deliveries:
            payload["headers"] = {
                **(payload.get("headers") or {}),
                "x-delivery-count": row.deliveries,
            }
            payload["redelivered"] = True
        self.leases.hold(payload["properties"]["delivery_tag"], row.id)
        return payload

    def _over_delivery_limit(self, queue: str, row: Any) -> bool:
        """Dead-letter ``row`` (True) if it came back more often than its queue allows."""
        arguments = self.connection.queue_arguments.get(queue, {})
        limit = arguments.get("x-delivery-limit")
        exchange = arguments.get("x-dead-letter-exchange")
        if limit is None or exchange is None or row.deliveries <= limit:
            return False
        routing_key = arguments.get("x-dead-letter-routing-key", queue)
        targets = self._lookup(exchange, routing_key)
        payload = json.loads(row.payload)
        payload["headers"] = {
            **(payload.get("headers") or {}),
            "x-first-death-reason": "delivery_limit",
            "x-first-death-queue": queue,
            "x-delivery-count": row.deliveries,
        }
        m = self.messages
        for target in targets:
            target_id = self._get_or_create(target).id
            self.session.execute(
                m.insert().values(
                    queue_id=target_id,
                    payload=json.dumps(payload),
                    visible=True,
                    deliveries=0,
                    version=1,
                )
            )
        self.session.execute(m.delete().where(m.c.id == row.id))
        log.error("dead-lettering a message from %s: delivery_limit", queue)
        return True

    def _forget(self, delivery_tag: str) -> None:
        """The message is done with (acked or rejected): its row goes."""
        row_id = self.leases.release(delivery_tag)
        if row_id is not None:
            m = self.messages
            self.session.execute(m.delete().where(m.c.id == row_id))
            self.session.commit()

    def basic_ack(self, delivery_tag: str, multiple: bool = False) -> None:
        self._forget(delivery_tag)
        super().basic_ack(delivery_tag, multiple)

    def basic_reject(self, delivery_tag: str, requeue: bool = False) -> None:
        if not requeue:
            self._forget(delivery_tag)
        super().basic_reject(delivery_tag, requeue=requeue)

    def _restore(self, message: Any) -> None:
        """Requeued, or unacked when the channel closes: the same row is visible again."""
        row_id = self.leases.release(message.delivery_tag)
        if row_id is None:
            super()._restore(message)
            return
        m = self.messages
        self.session.execute(
            m.update().where(m.c.id == row_id).values(visible=True, lease_until=None)
        )
        self.session.commit()

    def _size(self, queue: str) -> int:
        queue_id = self._get_or_create(queue).id
        m = self.messages
        query = m.select().with_only_columns(func.count()).where(self._takeable(queue_id))
        return int(self.session.execute(query).scalar_one())

    def close(self) -> None:
        super().close()
        self.leases.close()


_UPGRADED: set[str] = set()


class Transport(kombu_sqla.Transport):
    Channel = Channel

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.queue_arguments: dict[str, dict[str, Any]] = {}


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
