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
  with ``x-first-death-reason: delivery_limit`` as RabbitMQ does;
- a consumer takes as many messages as its prefetch leaves room for in one transaction
  (each leased as above; those not yet handed over are visible again at once when the
  channel closes), and ``Channel.acks_together`` deletes a batch's acked rows in one;
- the transport polls again at once after a delivery and, while nothing comes, doubles
  its pause from the polling interval up to ``idle_polling_interval`` (1 s); a poll of a
  queue found empty before reads it only if the broker's file has changed since
  (``shared.changes``: SQLite's ``data_version``) or a third of the visibility timeout
  has passed, so an idle consumer costs next to nothing.

A message is delivered at least once: one whose consumer could not renew its lease in time
(the process stalled longer than the timeout) may be handled twice, which the idempotent
consumers make harmless. The broker's file is in WAL mode, so polling readers never wait.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from queue import Empty
from time import monotonic, sleep
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import create_engine, event, func, text
from sqlalchemy.engine import Engine

from shared.broker_acks import DeliveryEnds
from shared.broker_leases import Leases, add_lease_columns, messages_table
from shared.changes import Changes

log = logging.getLogger(__name__)

ALIAS = "zirkel"
DEFAULT_VISIBILITY_TIMEOUT = 15.0  # seconds a taken message stays invisible without renewal
DEFAULT_IDLE_POLLING_INTERVAL = 1.0  # seconds between an idle consumer's polls, at most
BATCH = 50  # messages a consumer without a prefetch limit takes in one transaction
BUSY_TIMEOUT = 30.0  # seconds a writer waits for SQLite's write lock
NOT_FOR_ENGINE = (  # transport options that are not create_engine's
    *(
        "visibility_timeout",
        "idle_polling_interval",
        "polling_interval",
        "queue_tablename",
        "message_tablename",
        "callback",
        "errback",
    ),
    *("max_retries", "retry_errors", "interval_start", "interval_step", "interval_max"),
)


class Channel(DeliveryEnds, kombu_sqla.Channel):
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
        self._taken: dict[str, deque[dict[str, Any]]] = {}  # leased, not yet delivered
        self._queue_ids: dict[str, int] = {}
        self._acked: list[int] | None = None  # rows acked inside ``acks_together``
        self._changes: dict[str, Changes] = {}  # per queue: commits since its last look
        self._found_empty: set[str] = set()  # queues whose last look found nothing to take

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
        taken = self._take(queue, 1)
        if not taken:
            raise Empty()
        return taken[0]

    def _get_and_deliver(self, queue: str, callback: Any) -> None:
        """A consumer's delivery: from the messages this channel has taken already, else a
        batch of them in one transaction (as many as the prefetch leaves room for)."""
        taken = self._taken.setdefault(queue, deque())
        if not taken:
            taken.extend(self._take(queue, self.qos.can_consume_max_estimate() or BATCH))
        if not taken:
            raise Empty()
        callback(taken.popleft(), queue)

    def _take(self, queue: str, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` messages of ``queue`` leased to this channel, in one transaction
        (none taken: no write lock asked for; the queue found empty and the broker's file
        unchanged since: not even a read)."""
        changed = self._changes_of(queue).since_last_look()
        if queue in self._found_empty and not changed:
            return []
        queue_id = self._queue_id(queue)
        if not self._anything_to_take(queue_id):
            self._found_empty.add(queue)
            return []
        self._found_empty.discard(queue)
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        taken: list[dict[str, Any]] = []
        try:
            for row in self._next_rows(queue_id, limit):
                if not self._over_delivery_limit(queue, row):
                    taken.append(self._lease(row))
        finally:
            session.commit()
        return taken

    def _changes_of(self, queue: str) -> Changes:
        """Commits to the broker's file since this queue's last look; at least every third
        of the visibility timeout a look reads the queue anyway, for the leases run out."""
        if queue not in self._changes:
            engine, _ = self._open()
            self._changes[queue] = Changes(engine.url, self.visibility_timeout / 3)
        return self._changes[queue]

    def _queue_id(self, queue: str) -> int:
        if queue not in self._queue_ids:
            self._queue_ids[queue] = self._get_or_create(queue).id
        return self._queue_ids[queue]

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

    def _next_rows(self, queue_id: int, limit: int) -> list[Any]:
        m = self.messages
        return list(
            self.session.execute(
                m.select()
                .with_only_columns(m.c.id, m.c.payload, m.c.deliveries)
                .where(self._takeable(queue_id))
                .order_by(m.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    def _lease(self, row: Any) -> dict[str, Any]:
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

    def _size(self, queue: str) -> int:
        queue_id = self._queue_id(queue)
        m = self.messages
        query = m.select().with_only_columns(func.count()).where(self._takeable(queue_id))
        return int(self.session.execute(query).scalar_one())

    def close(self) -> None:
        if not self.closed:
            self._give_back_taken()
        super().close()
        self.leases.close()
        for changes in self._changes.values():
            changes.close()


_UPGRADED: set[str] = set()


class Transport(kombu_sqla.Transport):
    """kombu's transport, polling at once again while messages come and ever less often,
    up to ``idle_polling_interval``, while none do."""

    Channel = Channel

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.queue_arguments: dict[str, dict[str, Any]] = {}
        options = client.transport_options
        self.idle_polling_interval = float(
            options.get("idle_polling_interval", DEFAULT_IDLE_POLLING_INTERVAL)
        )
        self._pause = 0.0  # the pause after the next empty poll; 0: the polling interval

    def drain_events(self, connection: Any, timeout: float | None = None) -> None:
        started = monotonic()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                waited = monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                sleep(self._next_pause(None if timeout is None else timeout - waited))
            else:
                self._pause = 0.0
                return

    def _next_pause(self, left: float | None) -> float:
        """Twice the last pause, from the polling interval up to the idle one."""
        first = self.polling_interval or 0.0
        self._pause = min(max(self._pause * 2, first), max(self.idle_polling_interval, first))
        return self._pause if left is None else min(self._pause, left)


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
