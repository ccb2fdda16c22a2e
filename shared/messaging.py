"""The messaging layer on kombu: topology, connections and a confirming publisher.

One durable topic exchange carries every event, routed by
``<producer>.<event>.v<N>``. Each consuming purpose has one durable queue
(quorum on RabbitMQ) and a dead-letter queue beside it. The whole topology is
declared by everyone who connects: a server-less transport keeps its bindings
in the process that declared them, so publishers must declare them too.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Any

import amqp
from kombu import Connection, Exchange, Producer, Queue, binding

from shared import events
from shared.settings import Settings

log = logging.getLogger(__name__)

EXCHANGE = Exchange("zirkel", type="topic", durable=True)
DEAD_LETTERS = Exchange("zirkel.dead", type="direct", durable=True)


@dataclass(frozen=True)
class Subscription:
    """One consuming purpose: a queue and the routing keys bound to it."""

    consumer: str
    purpose: str
    routing_keys: tuple[str, ...]

    @property
    def queue_name(self) -> str:
        return f"{self.consumer}.{self.purpose}"

    @property
    def dead_letter_queue_name(self) -> str:
        return f"{self.queue_name}.dead"


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        "pooling",
        "catalog-changes",
        (
            "catalog.need.posted.v1",
            "catalog.need.cancelled.v1",
            "catalog.offer.updated.v1",
            "catalog.supplier.updated.v1",
        ),
    ),
    Subscription(
        "catalog",
        "order-outcomes",
        ("pooling.order.placed.v1", "pooling.order.confirmed.v1", "pooling.order.rejected.v1"),
    ),
    Subscription(
        "notify",
        "order-outcomes",
        ("pooling.order.placed.v1", "pooling.order.confirmed.v1", "pooling.order.rejected.v1"),
    ),
    Subscription("notify", "member-directory", ("catalog.member.registered.v1",)),
)


def subscriptions_of(consumer: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS if s.consumer == consumer]


def queues(*, on_rabbitmq: bool) -> list[Queue]:
    """Every queue of the topology, with its bindings and dead-letter twin."""
    declared: list[Queue] = []
    for sub in SUBSCRIPTIONS:
        arguments: dict[str, Any] = {}
        if on_rabbitmq:
            arguments = {
                "x-queue-type": "quorum",
                "x-dead-letter-exchange": DEAD_LETTERS.name,
                "x-dead-letter-routing-key": sub.queue_name,
            }
        bindings = [binding(EXCHANGE, routing_key=key) for key in sub.routing_keys]
        declared.append(
            Queue(sub.queue_name, bindings=bindings, durable=True, queue_arguments=arguments)
        )
        dead_args = {"x-queue-type": "quorum"} if on_rabbitmq else {}
        declared.append(
            Queue(
                sub.dead_letter_queue_name,
                exchange=DEAD_LETTERS,
                routing_key=sub.queue_name,
                durable=True,
                queue_arguments=dead_args,
            )
        )
    return declared


def queue_named(name: str, *, on_rabbitmq: bool) -> Queue:
    """The topology's queue called ``name``, declared with its real arguments."""
    return next(q for q in queues(on_rabbitmq=on_rabbitmq) if q.name == name)


def connect(settings: Settings, *, heartbeat: int = 30) -> Connection:
    """A broker connection (not yet opened) with publisher confirms on RabbitMQ.

    A connection that only publishes never reads the broker's heartbeats, so it is
    opened with ``heartbeat=0``: a dead one shows at the next publish instead.
    """
    options: dict[str, Any] = {}
    if not settings.embedded_broker:
        options["confirm_publish"] = True
    connection = Connection(
        settings.broker_url,
        transport_options=options,
        heartbeat=0 if settings.embedded_broker else heartbeat,
        connect_timeout=5,
    )
    if settings.embedded_broker:
        # The SQLAlchemy transport hands its options to create_engine, so the
        # polling interval is set on the transport itself.
        connection.transport.polling_interval = settings.broker_poll_interval
    return connection


def on_rabbitmq(connection: Connection) -> bool:
    return connection.transport.driver_type == "amqp"


def declare_topology(connection: Connection, channel: Any = None, attempts: int = 5) -> None:
    """Declare exchanges, queues and bindings (idempotent), on ``channel`` if given.

    On the embedded transport two processes creating the same queue at once
    may collide on its table row; the loser rolls back and declares again.
    """
    rabbit = on_rabbitmq(connection)
    for attempt in range(1, attempts + 1):
        target = channel or connection.default_channel
        try:
            EXCHANGE(target).declare()
            DEAD_LETTERS(target).declare()
            for queue in queues(on_rabbitmq=rabbit):
                queue(target).declare()
            return
        except Exception:
            if rabbit or attempt == attempts:
                raise
            session = getattr(target, "session", None)
            if session is not None:
                session.rollback()
            time.sleep(0.05 * attempt)


@dataclass(frozen=True)
class Outgoing:
    """One message of a batch: a JSON text with its routing key and ids."""

    body: str
    routing_key: str
    message_id: str
    correlation_id: str | None = None


@dataclass
class BatchOutcome:
    """What became of a batch: the indexes the broker confirmed, and why it stopped early.

    A message neither confirmed nor failed (nacked, or no confirm within the
    timeout) is simply not in ``confirmed``: its sender publishes it again.
    """

    confirmed: list[int] = field(default_factory=list)
    failure: Exception | None = None


class Publisher:
    """Publishes persistent JSON messages and waits for the broker's confirm."""

    def __init__(self, connection: Connection, confirm_timeout: float) -> None:
        self.connection = connection
        self.confirm_timeout = confirm_timeout
        self._producer: Producer | None = None
        self._window: ConfirmWindow | None = None

    @property
    def producer(self) -> Producer:
        if self._producer is None:
            self._producer = Producer(self.connection.default_channel)
        return self._producer

    def reset(self) -> None:
        self._producer = None
        self._window = None

    def publish_batch(self, messages: Sequence[Outgoing]) -> BatchOutcome:
        """Publish ``messages`` in order with all their confirms in flight at once.

        On RabbitMQ the whole batch goes out on a channel of its own in confirm
        mode, then the acks are awaited for at most ``confirm_timeout``. On the
        embedded transport a publish is a committed row, so each one is
        confirmed when it returns. A broken connection stops the batch and is
        reported in ``failure`` beside what was confirmed before it broke.
        """
        if not on_rabbitmq(self.connection):
            return self._publish_one_by_one(messages)
        if self._window is None:
            self._window = ConfirmWindow(self.connection.channel())
        return self._window.publish(messages, self.confirm_timeout)

    def _publish_one_by_one(self, messages: Sequence[Outgoing]) -> BatchOutcome:
        outcome = BatchOutcome()
        for index, message in enumerate(messages):
            try:
                self.publish(
                    message.body,
                    routing_key=message.routing_key,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id,
                )
            except Exception as exc:
                outcome.failure = exc
                break
            outcome.confirmed.append(index)
        return outcome

    def publish(
        self,
        body: Mapping[str, Any] | str,
        *,
        routing_key: str,
        exchange: Exchange | str = EXCHANGE,
        headers: Mapping[str, Any] | None = None,
        message_id: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        payload = body if isinstance(body, str) else json.dumps(body)
        self.producer.publish(
            payload,
            exchange=exchange,
            routing_key=routing_key,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            headers=dict(headers or {}),
            message_id=message_id,
            correlation_id=correlation_id,
            confirm_timeout=self.confirm_timeout if on_rabbitmq(self.connection) else None,
        )

    def publish_event(self, event: events.Event) -> None:
        self.publish(
            events.dump(event),
            routing_key=event.routing_key,
            message_id=str(event.event_id),
            correlation_id=event.correlation_id,
        )


class ConfirmWindow:
    """A py-amqp channel in confirm mode that keeps a whole batch of confirms in flight.

    The broker numbers the messages published on a confirm-mode channel 1, 2,
    3, ... and answers with ``basic.ack``/``basic.nack`` frames, each for one
    delivery tag or, with ``multiple``, for every tag up to it. py-amqp hands
    those frames to the callbacks in ``channel.events``; nothing waits per
    message, unlike ``basic_publish_confirm``.
    """

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        channel.confirm_select()
        self.channel._confirm_selected = True  # never let py-amqp select it again
        self.published = 0  # the delivery tag of the last message sent on this channel
        self.pending: dict[int, int] = {}  # delivery tag -> index in the batch
        self.outcome = BatchOutcome()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)

    def publish(self, messages: Sequence[Outgoing], timeout: float) -> BatchOutcome:
        self.pending, self.outcome = {}, BatchOutcome()
        try:
            for index, message in enumerate(messages):
                self._send(message)
                self.published += 1
                self.pending[self.published] = index
            self._await_confirms(timeout)
        except Exception as exc:
            self.outcome.failure = exc
        outcome, self.pending = self.outcome, {}
        outcome.confirmed.sort()
        return outcome

    def _send(self, message: Outgoing) -> None:
        amqp_message = self.channel.prepare_message(
            message.body,
            content_type="application/json",
            content_encoding="utf-8",
            headers={},
            properties={
                "delivery_mode": 2,
                "message_id": message.message_id,
                "correlation_id": message.correlation_id,
            },
        )
        # The class's own basic_publish: with confirm_publish on, the
        # channel's instance attribute waits for each confirm in turn.
        amqp.Channel.basic_publish(
            self.channel, amqp_message, exchange=EXCHANGE.name, routing_key=message.routing_key
        )

    def _await_confirms(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("%d publishes unconfirmed after %.1fs", len(self.pending), timeout)
                return
            try:
                self.channel.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue

    def _settled(self, delivery_tag: int, multiple: bool) -> list[int]:
        """The batch indexes a confirm settles (``pending`` is in tag order)."""
        if multiple:
            tags = list(takewhile(lambda tag: tag <= delivery_tag, self.pending))
        else:
            tags = [delivery_tag]
        return [self.pending.pop(tag) for tag in tags if tag in self.pending]

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self.outcome.confirmed.extend(self._settled(delivery_tag, multiple))

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        nacked = self._settled(delivery_tag, multiple)
        if nacked:
            log.warning("the broker refused %d publishes; they stay unsent", len(nacked))
