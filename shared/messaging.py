"""The messaging layer on kombu: topology and connections (publishing: ``shared.publishing``).

One durable topic exchange carries every event, routed by
``<producer>.<event>.v<N>``. Each consuming purpose has one durable queue
(quorum on RabbitMQ) and a dead-letter queue beside it.

Delivery limits are set explicitly, never left to the broker's default (none
before RabbitMQ 4, 20 since): a working queue dead-letters a message after
``WORK_DELIVERY_LIMIT`` returns (a message whose handling kills the worker
each time ends in the dead-letter queue instead of looping); a dead-letter
queue has no dead-letter exchange, so a message over its limit would be lost,
and listing letters returns each one to the queue: its limit is
``DEAD_LETTER_DELIVERY_LIMIT``, as high as is of any use. The whole topology is
declared by everyone who connects: a server-less transport keeps its bindings
in the process that declared them, so publishers must declare them too.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from kombu import Connection, Exchange, Queue, binding

from shared import embedded_broker  # registers the embedded transport's alias
from shared.settings import Settings

log = logging.getLogger(__name__)

EXCHANGE = Exchange("zirkel", type="topic", durable=True)
DEAD_LETTERS = Exchange("zirkel.dead", type="direct", durable=True)
# The consumer retries failed handlers itself (republished, bounded by
# ZIRKEL_CONSUMER_MAX_RETRIES); the broker counts only returns: crashes, lost connections.
WORK_DELIVERY_LIMIT = 20
# RabbitMQ 3 refuses -1 ("no limit"), so the dead-letter queues get a limit no one reaches.
DEAD_LETTER_DELIVERY_LIMIT = 1_000_000


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
            "catalog.need.changed.v1",
            "catalog.offer.updated.v1",
            "catalog.supplier.updated.v1",
        ),
    ),
    Subscription(  # one queue: a need's order outcomes and its withdrawal stay in order
        "catalog",
        "order-outcomes",
        (
            "pooling.order.placed.v1",
            "pooling.order.confirmed.v1",
            "pooling.order.rejected.v1",
            "pooling.order.received.v1",
            "pooling.need.withdrawn.v1",
            "pooling.need.change_refused.v1",
            "pooling.depot.served.v1",
        ),
    ),
    Subscription(
        "notify",
        "order-outcomes",
        (
            "pooling.order.placed.v1",
            "pooling.order.confirmed.v1",
            "pooling.order.rejected.v1",
            "pooling.order.received.v1",
            "pooling.depot.served.v1",
        ),
    ),
    Subscription("notify", "member-directory", ("catalog.member.registered.v1",)),
    Subscription(  # one queue: an order's placing, decision and receipts stay in order
        "billing",
        "order-outcomes",
        (
            "pooling.order.placed.v1",
            "pooling.depot.served.v1",
            "pooling.order.confirmed.v1",
            "pooling.order.rejected.v1",
            "pooling.order.received.v1",
        ),
    ),
    Subscription(
        "billing",
        "directory",
        (
            "catalog.member.registered.v1",
            "catalog.product.updated.v1",
            "catalog.supplier.updated.v1",
        ),
    ),
    Subscription("notify", "pool-progress", ("pooling.pool.progressed.v1",)),
    Subscription("notify", "invoices", ("billing.invoice.issued.v1",)),
    Subscription("notify", "supplier-directory", ("catalog.supplier.updated.v1",)),
    Subscription(
        "notify", "ops-alerts", ("catalog.ops.alert.raised.v1", "catalog.ops.alert.resolved.v1")
    ),
    Subscription("notify", "supplier-invoice-disputes", ("billing.supplier_invoice.disputed.v1",)),
    Subscription("notify", "password-resets", ("catalog.password_reset.requested.v1",)),
)


def subscriptions_of(consumer: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS if s.consumer == consumer]


def queues(*, on_rabbitmq: bool) -> list[Queue]:
    """Every queue of the topology, with its bindings and dead-letter twin."""
    declared: list[Queue] = []
    for sub in SUBSCRIPTIONS:
        # The embedded transport keeps the dead-letter target and the limit too.
        arguments: dict[str, Any] = {
            "x-dead-letter-exchange": DEAD_LETTERS.name,
            "x-dead-letter-routing-key": sub.queue_name,
            "x-delivery-limit": WORK_DELIVERY_LIMIT,
        }
        if on_rabbitmq:
            arguments = {"x-queue-type": "quorum", **arguments}
        bindings = [binding(EXCHANGE, routing_key=key) for key in sub.routing_keys]
        declared.append(
            Queue(sub.queue_name, bindings=bindings, durable=True, queue_arguments=arguments)
        )
        dead_args: dict[str, Any] = {"x-delivery-limit": DEAD_LETTER_DELIVERY_LIMIT}
        if on_rabbitmq:
            dead_args = {"x-queue-type": "quorum", **dead_args}
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
    if settings.broker_url.startswith(f"{embedded_broker.ALIAS}+"):
        options["visibility_timeout"] = settings.broker_visibility_timeout
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
