"""Publishing with publisher confirms: one message, or a batch with its confirms in flight.

On RabbitMQ a batch goes out on a channel in confirm mode and the broker's acks and
nacks are awaited together, up to the confirm timeout; on the embedded transport a
batch is one committed transaction of the broker's database.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Any

import amqp
from kombu import Connection, Exchange, Producer
from kombu.transport import sqlalchemy as embedded
from sqlalchemy.orm import Session

from shared import events
from shared.messaging import EXCHANGE, on_rabbitmq

log = logging.getLogger(__name__)


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
        embedded transport the batch is written in one transaction of the
        broker's database, so it is confirmed when that commits, all or nothing.
        A broken connection stops the batch and is reported in ``failure``
        beside what was confirmed before it broke.
        """
        if not on_rabbitmq(self.connection):
            return self._publish_in_one_transaction(messages)
        if self._window is None:
            self._window = ConfirmWindow(self.connection.channel())
        return self._window.publish(messages, self.confirm_timeout)

    def _publish_in_one_transaction(self, messages: Sequence[Outgoing]) -> BatchOutcome:
        try:
            with one_transaction(self.producer.channel):
                for message in messages:
                    self.publish(
                        message.body,
                        routing_key=message.routing_key,
                        message_id=message.message_id,
                        correlation_id=message.correlation_id,
                    )
        except Exception as exc:
            return BatchOutcome(failure=exc)
        return BatchOutcome(confirmed=list(range(len(messages))))

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


@contextmanager
def one_transaction(channel: Any) -> Iterator[None]:
    """The publishes inside the block, on kombu's SQLAlchemy transport, as one transaction
    of the broker's database, committed when the block ends (rolled back if it raises).

    That channel commits its session after every message, a file sync each on SQLite:
    5,000 events took minutes. Here its session joins a transaction of ours in SQLAlchemy's
    ``rollback_only`` mode, so its commits only flush and one commit ends the batch. Any
    other transport publishes as it always does.
    """
    if not isinstance(channel, embedded.Channel):
        yield
        return
    engine, _ = channel._open()
    with engine.connect() as connection, connection.begin():
        own = channel._session
        channel._session = Session(bind=connection, join_transaction_mode="rollback_only")
        try:
            yield
        finally:
            channel._session.close()
            channel._session = own


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
