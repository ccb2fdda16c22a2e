"""The messaging layer on a real broker: idempotent consumers, dead letters, bounded retries,
and the outbox relay. Runs on RabbitMQ (throwaway vhost) and on the embedded transport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kombu import Connection, Queue
from sqlalchemy import func, select

from pooling.adapters import orm
from shared.consumer import EventConsumer
from shared.db import transaction
from shared.events import Event, dump
from shared.messaging import (
    connect,
    declare_topology,
    on_rabbitmq,
    queue_named,
    subscriptions_of,
)
from shared.outbox import OutboxRelay
from shared.publishing import Outgoing, Publisher
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.consumers import fresh_pooling, pooling_consumer
from tests.support.stack import wait_until

QUEUE = subscriptions_of("pooling")[0]


@pytest.fixture(params=["rabbitmq", "embedded"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    env = {"ZIRKEL_SECRET_KEY": "k" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    if request.param == "rabbitmq":
        env["ZIRKEL_BROKER_URL"] = request.getfixturevalue("rabbitmq_url")
    env["ZIRKEL_CONSUMER_MAX_RETRIES"] = "2"
    return Settings.from_env(env)


@pytest.fixture
def runtime(settings: Settings) -> Runtime:
    return fresh_pooling(settings)


@pytest.fixture
def consumer(runtime: Runtime) -> Iterator[EventConsumer]:
    with pooling_consumer(runtime, max_retries=runtime.settings.consumer_max_retries) as running:
        yield running


def need_posted(need_id: int, quantity: str = "6") -> Event:
    return Event.of(
        "catalog.need.posted",
        {
            "need_id": need_id,
            "member_id": 1,
            "sku": "DISP-10L",
            "quantity": Decimal(quantity),
            "posted_at": datetime.now(UTC),
        },
    )


def publish(settings: Settings, body: object, routing_key: str) -> None:
    with connect(settings) as connection:
        declare_topology(connection)
        text = body if isinstance(body, str) else json.dumps(body)
        Publisher(connection, settings.confirm_timeout).publish(text, routing_key=routing_key)


def dead_letters(settings: Settings) -> list[tuple[dict, str]]:
    found = []
    with connect(settings) as connection:
        queue = _queue(connection, QUEUE.dead_letter_queue_name)(connection.default_channel)
        while (message := queue.get(no_ack=False)) is not None:
            found.append((message.headers, message.body))
            message.ack()
    return found


def pooled_quantity(runtime: Runtime) -> Decimal:
    with transaction(runtime.sessions) as session:
        total = session.scalar(select(func.count()).select_from(orm.PooledNeed))
        needs = session.scalars(select(orm.PooledNeed)).all()
        assert total == len(needs)
        return sum((n.quantity for n in needs), Decimal(0))


def processed(runtime: Runtime) -> int:
    inbox = runtime.tables["inbox"]
    with runtime.engine.connect() as db:
        return db.scalar(select(func.count()).select_from(inbox))


def test_a_redelivered_event_changes_nothing(runtime: Runtime, consumer: EventConsumer) -> None:
    event = dump(need_posted(1))
    for _ in range(3):
        publish(runtime.settings, event, "catalog.need.posted.v1")
    publish(runtime.settings, dump(need_posted(2, "8")), "catalog.need.posted.v1")

    wait_until(lambda: processed(runtime) == 2, 20, "both distinct events processed")
    wait_until(lambda: _queue_empty(runtime.settings), 20, "the queue to drain")
    assert pooled_quantity(runtime) == Decimal(14)
    assert processed(runtime) == 2


def test_malformed_and_off_contract_messages_are_dead_lettered(
    runtime: Runtime, consumer: EventConsumer
) -> None:
    publish(runtime.settings, "{not json", "catalog.need.posted.v1")
    off_contract = dump(need_posted(3))
    off_contract["payload"]["quantity"] = "-5"
    publish(runtime.settings, off_contract, "catalog.need.posted.v1")
    publish(runtime.settings, dump(need_posted(4)), "catalog.need.posted.v1")

    wait_until(lambda: processed(runtime) == 1, 20, "the good event processed")
    letters = collect_dead_letters(runtime.settings, 2)
    reasons = [headers["x-zirkel-death-reason"] for headers, _ in letters]
    assert all(reason.startswith("invalid event") for reason in reasons)
    assert any("JSONDecodeError" in reason for reason in reasons)
    assert any("quantity" in reason and "greater than 0" in reason for reason in reasons)
    assert all(h["x-zirkel-death-queue"] == QUEUE.queue_name for h, _ in letters)
    assert pooled_quantity(runtime) == Decimal(6)


def test_a_failing_handler_is_retried_then_dead_lettered(
    runtime: Runtime, consumer: EventConsumer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def broken(session: object, event: Event) -> None:
        calls.append(event.event_id)
        raise RuntimeError("supplier terms table is on fire")

    monkeypatch.setitem(consumer.handlers, "catalog.need.posted", broken)
    publish(runtime.settings, dump(need_posted(5)), "catalog.need.posted.v1")

    letters = collect_dead_letters(runtime.settings, 1)
    assert len(calls) == 3  # the first try and two retries
    assert "failed 3 times" in letters[0][0]["x-zirkel-death-reason"]
    assert "on fire" in letters[0][0]["x-zirkel-death-reason"]
    assert processed(runtime) == 0


def test_the_relay_publishes_the_outbox_in_order_and_marks_it_sent(runtime: Runtime) -> None:
    settings = runtime.settings
    with transaction(runtime.sessions) as session:
        for need_id in range(10, 15):
            runtime.outbox.add(session, need_posted(need_id))
    relay = OutboxRelay(
        runtime.engine, runtime.tables["outbox"], lambda: connect(settings), confirm_timeout=5
    )
    relay.connection.ensure_connection(max_retries=3)
    declare_topology(relay.connection)
    assert relay.relay_once() == 5
    assert relay.relay_once() == 0
    relay.connection.release()

    received = []
    with connect(settings) as connection:
        queue = _queue(connection, QUEUE.queue_name)(connection.default_channel)
        for _ in range(5):
            message = wait_until(lambda q=queue: q.get(no_ack=False), 5, "a message")
            received.append(json.loads(message.body)["payload"]["need_id"])
            message.ack()
    assert received == [10, 11, 12, 13, 14]


def _queue(connection: Connection, name: str) -> Queue:
    return queue_named(name, on_rabbitmq=on_rabbitmq(connection))


def _queue_empty(settings: Settings) -> bool:
    with Connection(settings.broker_url) as connection:
        if settings.embedded_broker:
            return connection.default_channel._size(QUEUE.queue_name) == 0
        declared = connection.default_channel.queue_declare(QUEUE.queue_name, passive=True)
        return declared.message_count == 0


def collect_dead_letters(settings: Settings, count: int) -> list[tuple[dict, str]]:
    letters: list[tuple[dict, str]] = []

    def enough() -> bool:
        letters.extend(dead_letters(settings))
        return len(letters) >= count

    wait_until(enough, 30, f"{count} dead letters")
    return letters


def test_a_burst_of_events_is_pooled_once_each(runtime: Runtime) -> None:
    """Events that arrive together are handled in batches: every one pooled, none twice,
    and every delivery acked (none comes back once the consumer has gone)."""
    burst = [need_posted(need_id, "1.5") for need_id in range(1, 301)]
    with pooling_consumer(runtime, max_retries=2):
        with connect(runtime.settings) as connection:
            declare_topology(connection)
            outgoing = [
                Outgoing(json.dumps(dump(e)), e.routing_key, str(e.event_id), "") for e in burst
            ]
            Publisher(connection, runtime.settings.confirm_timeout).publish_batch(outgoing)
        wait_until(lambda: processed(runtime) == 300, 60, "burst")
    assert _queue_empty(runtime.settings), "a delivery was left unacked"
    assert pooled_quantity(runtime) == Decimal("450")


class ArrivedMessage:
    """A delivery as kombu hands it over, for a batch put together by the test; its acks
    are noted in ``acks`` as (delivery tag, multiple)."""

    def __init__(self, event: Event, delivery_tag: int, acks: list[tuple[int, bool]]) -> None:
        self.body = json.dumps(dump(event)).encode()
        self.headers: dict = {}
        self.properties = {"message_id": str(event.event_id)}
        self.delivery_info = {"routing_key": event.routing_key}
        self.delivery_tag, self.acks = delivery_tag, acks

    def ack(self, multiple: bool = False) -> None:
        self.acks.append((self.delivery_tag, multiple))


def settled(acks: list[tuple[int, bool]], tags: range) -> bool:
    """Every delivery tag acked, on its own or by a later ack with ``multiple``."""
    return all(any(t == tag or (multiple and t >= tag) for t, multiple in acks) for tag in tags)


def test_a_batch_handles_each_new_event_once_and_in_order(runtime: Runtime) -> None:
    """One batch: an event seen before, a new one twice, then its cancellation."""
    seen, posted = need_posted(7, "2"), need_posted(8, "3")
    cancelled = Event.of(
        "catalog.need.cancelled", {"need_id": 8, "member_id": 1, "sku": "DISP-10L"}
    )
    acks: list[tuple[int, bool]] = []
    with pooling_consumer(runtime, max_retries=2) as consumer:
        consumer.process_batch([ArrivedMessage(seen, 1, acks)])
        batch = [seen, posted, posted, cancelled]
        consumer.process_batch([ArrivedMessage(e, tag, acks) for tag, e in enumerate(batch, 2)])
    assert settled(acks, range(1, 6))
    assert processed(runtime) == 3
    with transaction(runtime.sessions) as session:
        needs = {n.need_id: (n.status, n.quantity) for n in session.scalars(select(orm.PooledNeed))}
    assert needs == {7: ("open", Decimal(2)), 8: ("cancelled", Decimal(3))}
