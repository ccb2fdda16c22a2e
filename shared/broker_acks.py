"""How a delivery of the embedded broker (``shared.embedded_broker``) ends: an ack or a
reject deletes the message's row (a batch's acks in one transaction), a requeue or a
channel closed with messages it holds makes the same rows visible again at their place,
and a message delivered more often than its queue's ``x-delivery-limit`` goes to the
queue's dead-letter exchange instead of being delivered again."""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.broker_leases import Leases

log = logging.getLogger(__name__)


class DeliveryEnds:
    """The end of a leased delivery, for the embedded broker's ``Channel`` (before kombu's
    channel in its bases: the acks, rejects and restores here hand on to kombu's)."""

    connection: Any
    session: Any
    messages: Any
    leases: Leases
    _taken: dict[str, deque[dict[str, Any]]]
    _acked: list[int] | None

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
        if row_id is None:
            return
        if self._acked is not None:
            self._acked.append(row_id)
            return
        self._delete([row_id])

    @contextmanager
    def acks_together(self) -> Iterator[None]:
        """The acks inside the block delete their rows in one transaction when it ends (a
        process killed before that: the messages come again when their leases run out)."""
        self._acked = []
        try:
            yield
        finally:
            acked, self._acked = self._acked, None
            if acked:
                self._delete(acked)

    def _delete(self, row_ids: list[int]) -> None:
        m = self.messages
        self.session.execute(m.delete().where(m.c.id.in_(row_ids)))
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
        self._make_visible([row_id])

    def _make_visible(self, row_ids: list[int]) -> None:
        m = self.messages
        self.session.execute(
            m.update().where(m.c.id.in_(row_ids)).values(visible=True, lease_until=None)
        )
        self.session.commit()

    def _give_back_taken(self) -> None:
        """Messages taken in a batch but never delivered are visible again at once."""
        held = [
            self.leases.release(payload["properties"]["delivery_tag"])
            for taken in self._taken.values()
            for payload in taken
        ]
        self._taken.clear()
        if row_ids := [row_id for row_id in held if row_id is not None]:
            self._make_visible(row_ids)
