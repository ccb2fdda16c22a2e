"""Each supplier's own durable queue on the broker, fed with publisher confirms.

Exchange ``zirkel.suppliers`` (direct) routes ``supplier.<id>.orders`` to the queue
of that name and nowhere else; on RabbitMQ the queue is a quorum queue. It carries
the supplier's orders and the disputes of its invoices (the message's ``event`` says
which). The sender's delivery row is the outbox: it is marked sent only after the
broker confirmed the message, so a lost confirm publishes again (the message id,
``order-<id>`` or ``dispute-<supplier invoice id>-<dispute number>``, lets the supplier
drop the repeat).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kombu import Connection, Exchange, Queue

from notify.domain.supplier_delivery import queue_name
from shared.messaging import on_rabbitmq
from shared.publishing import Publisher

log = logging.getLogger(__name__)

SUPPLIERS_EXCHANGE = Exchange("zirkel.suppliers", type="direct", durable=True)


def supplier_queue(supplier_id: int, *, rabbitmq: bool) -> Queue:
    name = queue_name(supplier_id)
    arguments = {"x-queue-type": "quorum"} if rabbitmq else {}
    return Queue(
        name, SUPPLIERS_EXCHANGE, routing_key=name, durable=True, queue_arguments=arguments
    )


class SupplierQueues:
    """Publishes orders and disputes to suppliers' queues over one connection, opened
    when first needed."""

    def __init__(self, connect: Callable[[], Connection], confirm_timeout: float) -> None:
        self.connect = connect
        self.confirm_timeout = confirm_timeout
        self.connection: Connection | None = None
        self.publisher: Publisher | None = None
        self.declared: set[int] = set()

    def publish(self, supplier_id: int, message: str, message_id: str) -> str:
        """Publish and wait for the broker's confirm; returns the queue's name."""
        try:
            publisher = self._publisher()
            assert self.connection is not None
            queue = supplier_queue(supplier_id, rabbitmq=on_rabbitmq(self.connection))
            if supplier_id not in self.declared:
                queue(self.connection.default_channel).declare()
                self.declared.add(supplier_id)
            publisher.publish(
                message,
                routing_key=queue.routing_key,
                exchange=SUPPLIERS_EXCHANGE,
                message_id=message_id,
            )
        except Exception:
            self.close()
            raise
        return queue.name

    def _publisher(self) -> Publisher:
        if self.connection is None or self.publisher is None:
            self.connection = self.connect()
            self.connection.ensure_connection(max_retries=1, timeout=5)
            self.publisher = Publisher(self.connection, self.confirm_timeout)
            self.declared = set()
        return self.publisher

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:
                log.debug("releasing a broken connection failed", exc_info=True)
        self.connection = self.publisher = None
