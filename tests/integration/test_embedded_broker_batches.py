"""The embedded broker under a consumer (``shared.embedded_broker``): it takes as many
messages as the prefetch allows in one transaction and acks a batch in one, gives back at
once what it took but never delivered, and polls ever less often while nothing comes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from kombu import Connection, Consumer, Message

from shared.embedded_broker import DEFAULT_IDLE_POLLING_INTERVAL
from shared.messaging import connect, declare_topology, queue_named
from shared.settings import Settings
from tests.integration.test_embedded_broker import QUEUE, broker, publish, rows, settings, take

__all__ = ["broker", "settings"]  # the fixtures, shared with the leases' tests

IDLE_POLL = DEFAULT_IDLE_POLLING_INTERVAL  # seconds between an idle consumer's polls, at most


@contextmanager
def consuming(connection: Connection, prefetch: int) -> Iterator[list[Message]]:
    """A consumer of pooling's queue on ``connection``; the messages it was handed."""
    delivered: list[Message] = []
    queue = queue_named(QUEUE.queue_name, on_rabbitmq=False)
    with Consumer(
        connection,
        queues=[queue],
        on_message=delivered.append,
        prefetch_count=prefetch,
        accept=["json"],
    ):
        yield delivered


def leased(settings: Settings) -> int:
    """Messages of pooling's queue taken by a consumer and not yet acked."""
    return rows(settings, "AND NOT m.visible")


def drain_arrived(connection: Connection) -> None:
    """Everything the connection's consumers can be handed without waiting."""
    try:
        while True:
            connection.drain_events(timeout=0)
    except TimeoutError:
        return


def test_a_consumer_takes_its_prefetch_in_one_go_and_acks_a_batch_in_one(
    settings: Settings,
) -> None:
    for need_id in range(10):
        publish(settings, need_id)
    with connect(settings) as connection, consuming(connection, prefetch=10) as delivered:
        declare_topology(connection)
        connection.drain_events(timeout=2)
        assert len(delivered) == 1
        assert leased(settings) == 10  # the other nine taken in the same transaction

        drain_arrived(connection)
        assert len(delivered) == 10
        with connection.default_channel.acks_together():
            for message in delivered:
                message.ack()
            assert leased(settings) == 10  # deleted when the block ends, all at once
        assert leased(settings) == 0
    with connect(settings) as other:
        declare_topology(other)
        assert take(other, seconds=1) is None


def test_messages_taken_but_never_delivered_come_back_at_once_when_the_consumer_closes(
    settings: Settings,
) -> None:
    sent = [publish(settings, need_id) for need_id in range(5)]
    with connect(settings) as connection, consuming(connection, prefetch=5) as delivered:
        declare_topology(connection)
        connection.drain_events(timeout=2)
        assert len(delivered) == 1 and leased(settings) == 5
    # closed: the one delivered and unacked and the four never delivered are visible again

    assert leased(settings) == 0
    with connect(settings) as again:
        declare_topology(again)
        taken = [take(again) for _ in sent]
        assert [m.properties["message_id"] for m in taken if m is not None] == sent
        for message in taken:
            assert message is not None
            message.ack()


def test_an_idle_consumer_polls_ever_less_often_and_still_gets_a_message_soon(
    settings: Settings, broker: Connection
) -> None:
    with consuming(broker, prefetch=10) as delivered:
        channel: Any = broker.default_channel
        polls = count_calls(channel, "_anything_to_take")
        with suppress(TimeoutError):
            broker.drain_events(timeout=4)
        assert polls() <= 10  # at the 0.05 s polling interval it was 80

        sent = publish(settings, 99)
        published = time.monotonic()
        broker.drain_events(timeout=2 * IDLE_POLL)
        assert time.monotonic() - published < IDLE_POLL + 0.5
        assert [m.properties["message_id"] for m in delivered] == [sent]
        delivered[0].ack()


def count_calls(instance: Any, name: str) -> Any:
    """Wrap ``instance.name`` to count its calls; a function giving the count so far."""
    method = getattr(instance, name)
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return method(*args, **kwargs)

    setattr(instance, name, counted)
    return lambda: calls[0]
