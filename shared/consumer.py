"""The idempotent event consumer.

For each message: validate it against its contract (dead-letter if it does
not validate), then in one transaction record ``(consumer, event_id)`` and run
the handler, commit, and only then ack. A duplicate is acked and does
nothing. A handler that fails is retried a bounded number of times, then the
message is dead-lettered with the reason.

Messages that have arrived together (up to the prefetch) are processed in one
transaction and acked after its commit: one commit for many events when they
come fast, no waiting for more when they come one by one. The batch's event ids
go into the inbox in one statement, and a handler wrapped in ``Together`` gets
each run of consecutive events of its type at once, so that it too can write
them in one statement. A batch that fails is done again one message at a time,
as above.

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
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from kombu import Connection, Message, Queue
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy import Table, text
from sqlalchemy.orm import Session, sessionmaker

from shared import events, failed_messages, metrics
from shared.db import transaction
from shared.inbox import DuplicateEvent, record_new, remember
from shared.logging import correlated
from shared.messaging import Subscription, declare_topology
from shared.publishing import Publisher

log = logging.getLogger(__name__)

Handler = Callable[[Session, events.Event], None]
ARRIVED_TIMEOUT = 0.001  # seconds to wait for more of a batch that is arriving
DATABASE_LOOK_INTERVAL = (0.1, 5.0)  # seconds between looks at a database that is down


@dataclass(frozen=True)
class Together:
    """A handler that takes a run of events of one type at once: what it writes for
    them can be one statement. Called with one event, it handles a run of one."""

    handle_many: Callable[[Session, Sequence[events.Event]], None]

    def __call__(self, session: Session, event: events.Event) -> None:
        self.handle_many(session, [event])


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
        if connection is None:
            return
        # The embedded transport hands over what it has taken already, never waiting.
        timeout = ARRIVED_TIMEOUT if _on_amqp(connection) else 0
        while len(self.pending) < self.prefetch:
            try:
                connection.drain_events(timeout=timeout)
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
                self.dead_letter(message, f"invalid event: {failed_messages.describe(exc)}")
        if len(loaded) <= 1:
            for message, event in loaded:
                self.process_with_correlation(message, event)
            return
        while True:
            try:
                with transaction(self.sessions) as session:
                    outcomes = self._handle_batch(session, [event for _message, event in loaded])
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
        self._ack_all([message for message, _event in loaded])
        for (_message, event), outcome in zip(loaded, outcomes, strict=True):
            metrics.consumed(self.subscription.queue_name, outcome)
            with correlated(event.correlation_id):  # each event's line under its own id
                log.info("%s %s %s", outcome, event.event_type, event.event_id)

    def _ack_all(self, messages: list[Message]) -> None:
        """Ack a processed batch. On RabbitMQ one ack with ``multiple`` settles every
        delivery up to the batch's last: all before it are settled already (acked,
        retried or dead-lettered), since batches are taken and settled in order."""
        if self._consuming is not None and _on_amqp(self._consuming):
            messages[-1].ack(multiple=True)
            return
        channel = getattr(messages[0], "channel", None)
        together = getattr(channel, "acks_together", nullcontext)
        with together():  # the embedded transport: one transaction for the batch's acks
            for message in messages:
                message.ack()

    def _handle_batch(self, session: Session, batch: list[events.Event]) -> list[str]:
        """Record the batch's events, then hand the new ones to their handlers in order:
        ``processed`` or ``duplicate`` for each event of the batch."""
        new = record_new(session, self.inbox, self.subscription.queue_name, batch)
        outcomes = []
        for event in batch:
            if event.event_id in new:
                new.discard(event.event_id)  # a second copy in the batch is a duplicate
                outcomes.append("processed")
            else:
                outcomes.append("duplicate")
        fresh = [e for e, outcome in zip(batch, outcomes, strict=True) if outcome == "processed"]
        for event_type, run in groupby(fresh, key=lambda e: e.event_type):
            self._dispatch(session, event_type, list(run))
        return outcomes

    def _dispatch(self, session: Session, event_type: str, run: list[events.Event]) -> None:
        handler = self.handlers.get(event_type)
        if isinstance(handler, Together):
            handler.handle_many(session, run)
        elif handler is not None:
            for event in run:
                with correlated(event.correlation_id):
                    handler(session, event)

    def process_with_correlation(self, message: Message, event: events.Event) -> None:
        with correlated(event.correlation_id):
            self.process(message, event)

    def process(self, message: Message, event: events.Event) -> None:
        handler = self.handlers.get(event.event_type)
        while True:
            try:
                with transaction(self.sessions) as session:
                    remember(session, self.inbox, self.subscription.queue_name, event)
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

    def retry_or_dead_letter(self, message: Message, exc: Exception) -> None:
        assert self.publisher is not None
        queue = self.subscription.queue_name
        failed_messages.retry_or_dead_letter(self.publisher, queue, message, exc, self.max_retries)

    def dead_letter(self, message: Message, reason: str) -> None:
        assert self.publisher is not None
        failed_messages.dead_letter(self.publisher, self.subscription.queue_name, message, reason)


def _on_amqp(connection: Connection) -> bool:
    return getattr(connection.transport, "driver_type", "") == "amqp"
