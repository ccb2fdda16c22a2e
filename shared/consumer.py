"""The idempotent event consumer.

For each message: validate it against its contract (dead-letter if it does
not validate), then in one transaction record ``(consumer, event_id)`` and run
the handler, commit, and only then ack. A duplicate is acked and does
nothing. A handler that fails is retried a bounded number of times, then the
message is dead-lettered with the reason.

Messages that have arrived together (up to the prefetch) are processed in one
transaction and acked after its commit: one commit for many events when they
come fast, no waiting for more when they come one by one. A batch that fails
is done again one message at a time, as above.

A failure while the database does not answer (a PostgreSQL restart, say) is not the
event's: the consumer holds the messages, unacked, looks at the database again with a
growing pause until it answers, and then handles them as if nothing had happened; no retry
is spent and nothing is dead-lettered for it. (Held longer than two heartbeat intervals,
the broker drops the connection and delivers the messages again: they are handled once.)
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from kombu import Connection, Message, Queue
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy import Table, text
from sqlalchemy.orm import Session, sessionmaker

from shared import events, metrics
from shared.db import insert_new_only, transaction
from shared.logging import correlation
from shared.messaging import DEAD_LETTERS, Subscription, declare_topology
from shared.publishing import Publisher

log = logging.getLogger(__name__)

Handler = Callable[[Session, events.Event], None]
RETRIES_HEADER = "x-zirkel-retries"
ARRIVED_TIMEOUT = 0.001  # seconds to wait for more of a batch that is arriving
DATABASE_LOOK_INTERVAL = (0.1, 5.0)  # seconds between looks at a database that is down


class DuplicateEvent(Exception):
    """This consumer has already processed the event."""


class EventConsumer(ConsumerMixin):
    def __init__(
        self,
        subscription: Subscription,
        handlers: Mapping[str, Handler],
        sessions: sessionmaker[Session],
        inbox: Table,
        connect: Callable[[], Connection],
        *,
        max_retries: int,
        prefetch: int,
        confirm_timeout: float,
    ) -> None:
        self.subscription = subscription
        self.handlers = handlers
        self.sessions = sessions
        self.inbox = inbox
        self.connect = connect
        self.connection = connect()
        self.max_retries = max_retries
        self.prefetch = prefetch
        self.confirm_timeout = confirm_timeout
        self.publisher: Publisher | None = None
        self.pending: list[Message] = []
        self._consuming: Connection | None = None

    def create_connection(self) -> Connection:
        return self.connect()

    def get_consumers(self, consumer_cls: Any, channel: Any) -> list[Any]:
        declare_topology(self.connection, channel)
        queue = Queue(self.subscription.queue_name, no_declare=True)
        return [
            consumer_cls(
                queues=[queue],
                on_message=self.on_message,
                prefetch_count=self.prefetch,
                accept=["json"],
            )
        ]

    def on_consume_ready(
        self, connection: Connection, channel: Any, consumers: Any, **_: Any
    ) -> None:
        self.publisher = Publisher(connection, self.confirm_timeout)
        self._consuming = connection
        log.info("consuming %s", self.subscription.queue_name)

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        log.warning("broker unreachable (%s); retrying in %.1fs", exc, interval)

    def on_message(self, message: Message) -> None:
        """kombu hands over one delivery: it waits for the batch (see ``on_iteration``)."""
        self.pending.append(message)

    def on_iteration(self) -> None:
        """Before waiting on the broker again: take what has arrived already, up to the
        prefetch, and process it as one batch."""
        self._take_arrived()
        batch, self.pending = self.pending, []
        if batch:
            self.process_batch(batch)

    def _take_arrived(self) -> None:
        connection = self._consuming
        if connection is None or getattr(connection.transport, "driver_type", "") != "amqp":
            return  # the embedded transport polls: a batch of one, never a wait
        while len(self.pending) < self.prefetch:
            try:
                connection.drain_events(timeout=ARRIVED_TIMEOUT)
            except TimeoutError:
                return

    def process_batch(self, messages: list[Message]) -> None:
        """Valid events of the batch in one transaction (one commit for all), then acked.

        A batch whose transaction fails is processed again one message at a time,
        so each failure is retried or dead-lettered on its own.
        """
        loaded: list[tuple[Message, events.Event]] = []
        for message in messages:
            try:
                loaded.append((message, events.load(json.loads(message.body))))
            except (ValueError, UnicodeDecodeError, ValidationError) as exc:
                self.dead_letter(message, f"invalid event: {_describe(exc)}")
        if len(loaded) == 1:
            self.process_with_correlation(*loaded[0])
            return
        while True:
            try:
                with transaction(self.sessions) as session:
                    outcomes = [self._handle(session, event) for _message, event in loaded]
                break
            except Exception:
                if self.waited_for_database():
                    if self.should_stop:
                        return  # unacked: the broker delivers them again
                    continue
                log.info("a batch of %d failed; processing it one by one", len(loaded))
                for message, event in loaded:
                    self.process_with_correlation(message, event)
                return
        for (message, _event), outcome in zip(loaded, outcomes, strict=True):
            message.ack()
            metrics.consumed(self.subscription.queue_name, outcome)

    def _handle(self, session: Session, event: events.Event) -> str:
        """Record and handle one event of a batch: ``processed`` or ``duplicate``."""
        token = correlation.set(event.correlation_id)
        try:
            if not self._record(session, event):
                log.info("duplicate %s %s ignored", event.event_type, event.event_id)
                return "duplicate"
            handler = self.handlers.get(event.event_type)
            if handler is not None:
                handler(session, event)
            return "processed"
        finally:
            correlation.reset(token)

    def process_with_correlation(self, message: Message, event: events.Event) -> None:
        token = correlation.set(event.correlation_id)
        try:
            self.process(message, event)
        finally:
            correlation.reset(token)

    def process(self, message: Message, event: events.Event) -> None:
        handler = self.handlers.get(event.event_type)
        while True:
            try:
                with transaction(self.sessions) as session:
                    self._remember(session, event)
                    if handler is not None:
                        handler(session, event)
            except DuplicateEvent:
                log.info("duplicate %s %s ignored", event.event_type, event.event_id)
                outcome = "duplicate"
            except Exception as exc:
                if self.waited_for_database():
                    if self.should_stop:
                        return  # unacked: the broker delivers it again
                    continue
                log.exception("handling %s %s failed", event.event_type, event.event_id)
                self.retry_or_dead_letter(message, exc)
                return
            else:
                outcome = "processed"
            break
        message.ack()
        metrics.consumed(self.subscription.queue_name, outcome)
        log.info("%s %s %s", outcome, event.event_type, event.event_id)

    def waited_for_database(self) -> bool:
        """After a failure: True if the database did not answer, once it answers again (or
        the consumer is stopping); False at once if it answers (the failure was the
        event's)."""
        pause, longest = DATABASE_LOOK_INTERVAL
        waited = False
        while not self.should_stop:
            try:
                with transaction(self.sessions) as session:
                    session.execute(text("SELECT 1"))
                if waited:
                    log.info("database answers again; handling the held events")
                return waited
            except Exception as exc:
                if not waited:
                    log.warning(
                        "database unavailable (%s); holding %s's events until it answers",
                        type(exc).__name__,
                        self.subscription.queue_name,
                    )
                waited = True
                time.sleep(pause)
                pause = min(pause * 2, longest)
        return waited

    def _remember(self, session: Session, event: events.Event) -> None:
        if not self._record(session, event):
            raise DuplicateEvent

    def _record(self, session: Session, event: events.Event) -> bool:
        """Note ``(consumer, event_id)``; False if it was noted before (a duplicate)."""
        db = session.connection()
        recorded = db.execute(
            insert_new_only(self.inbox, db.dialect.name),
            {
                "consumer": self.subscription.queue_name,
                "event_id": str(event.event_id),
                "processed_at": datetime.now(UTC),
            },
        )
        return recorded.rowcount > 0

    def retry_or_dead_letter(self, message: Message, exc: Exception) -> None:
        retries = int((message.headers or {}).get(RETRIES_HEADER, 0))
        if retries >= self.max_retries:
            self.dead_letter(message, f"failed {retries + 1} times: {_describe(exc)}")
            return
        assert self.publisher is not None
        self.publisher.publish(
            body_text(message.body),
            exchange="",
            routing_key=self.subscription.queue_name,
            headers={**(message.headers or {}), RETRIES_HEADER: retries + 1},
            message_id=message.properties.get("message_id"),
            correlation_id=message.properties.get("correlation_id"),
        )
        message.ack()
        metrics.consumed(self.subscription.queue_name, "retried")

    def dead_letter(self, message: Message, reason: str) -> None:
        """Move the message to this queue's dead-letter queue, saying why."""
        log.error("dead-lettering a message from %s: %s", self.subscription.queue_name, reason)
        assert self.publisher is not None
        headers = {
            **(message.headers or {}),
            "x-zirkel-death-reason": reason[:1000],
            "x-zirkel-death-queue": self.subscription.queue_name,
            "x-zirkel-original-routing-key": message.delivery_info.get("routing_key", ""),
            "x-zirkel-died-at": datetime.now(UTC).isoformat(),
        }
        self.publisher.publish(
            body_text(message.body),
            exchange=DEAD_LETTERS,
            routing_key=self.subscription.queue_name,
            headers=headers,
            message_id=message.properties.get("message_id"),
        )
        message.ack()
        metrics.consumed(self.subscription.queue_name, "dead_lettered")


def body_text(body: bytes | str) -> str:
    """A message body as text (invalid UTF-8 replaced, so a poison message can be kept)."""
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps(exc.messages, sort_keys=True, default=str)
    return f"{type(exc).__name__}: {exc}"
