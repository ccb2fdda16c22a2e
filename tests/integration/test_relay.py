"""The outbox relay on RabbitMQ with a window of confirms in flight: a connection the
broker drops mid-window loses nothing, and a message the broker refuses stays unsent."""

from __future__ import annotations

import json
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from kombu import Connection, Consumer, Exchange, Queue
from sqlalchemy import func, select

from pooling.bootstrap import build_runtime
from shared import publishing
from shared.db import transaction
from shared.events import Event
from shared.messaging import connect, declare_topology, queue_named, subscriptions_of
from shared.outbox import OutboxRelay
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.servers import unavailable
from tests.support.stack import wait_until

QUEUE = subscriptions_of("pooling")[0].queue_name
MANAGEMENT = "http://127.0.0.1:15672/api"
AUTH = ("guest", "guest")


@pytest.fixture
def runtime(rabbitmq_url: str, tmp_path: Path) -> Runtime:
    env = {
        "ZIRKEL_SECRET_KEY": "k" * 32,
        "ZIRKEL_VAR_DIR": str(tmp_path),
        "ZIRKEL_BROKER_URL": rabbitmq_url,
    }
    runtime = build_runtime(Settings.from_env(env))
    runtime.migrate()
    with connect(runtime.settings) as connection:
        declare_topology(connection)
        connection.default_channel.queue_purge(QUEUE)
    return runtime


@pytest.fixture
def relay(runtime: Runtime) -> Iterator[OutboxRelay]:
    relay = OutboxRelay(
        runtime.engine,
        runtime.tables["outbox"],
        lambda: connect(runtime.settings),
        confirm_timeout=5,
        batch_size=200,
        poll_interval=0.05,
    )
    yield relay
    relay.connection.release()


def need_posted(need_id: int) -> Event:
    payload = {
        "need_id": need_id,
        "member_id": 1,
        "sku": "DISP-10L",
        "quantity": Decimal(6),
        "posted_at": datetime.now(UTC),
    }
    return Event.of("catalog.need.posted", payload)


def write_outbox(runtime: Runtime, count: int) -> set[str]:
    written = [need_posted(need_id) for need_id in range(1, count + 1)]
    with transaction(runtime.sessions) as session:
        for event in written:
            runtime.outbox.add(session, event)
    return {str(event.event_id) for event in written}


def unsent(runtime: Runtime) -> int:
    outbox = runtime.tables["outbox"]
    with runtime.engine.connect() as db:
        query = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        return db.scalar(query)


def received_event_ids(settings: Settings, expected: int) -> list[str]:
    """Every message in pooling's queue (duplicates included), read until it is quiet."""
    found: list[str] = []

    def take(body: object, message: object) -> None:
        found.append(json.loads(body if isinstance(body, str) else json.dumps(body))["event_id"])
        message.ack()  # type: ignore[attr-defined]

    with connect(settings) as connection:
        queue = queue_named(QUEUE, on_rabbitmq=True)
        with Consumer(connection, [queue], callbacks=[take], accept=["json"], prefetch_count=500):
            while True:
                try:
                    connection.drain_events(timeout=1 if len(found) < expected else 0.5)
                except TimeoutError:
                    return found


def close_from_the_broker(connection: Connection) -> None:
    """Close ``connection`` the way an operator or a failing node would: from the broker."""
    host, port = connection.connection.sock.getsockname()[:2]
    name = f"{host}:{port} -> 127.0.0.1:5672"
    response = requests.delete(
        f"{MANAGEMENT}/connections/{urllib.parse.quote(name, safe='')}",
        auth=AUTH,
        headers={"X-Reason": "test: broker drops the relay mid-window"},
        timeout=5,
    )
    assert response.status_code == 204, (response.status_code, response.text)


def test_a_connection_dropped_mid_window_loses_no_event(
    runtime: Runtime, relay: OutboxRelay, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        requests.get(f"{MANAGEMENT}/overview", auth=AUTH, timeout=2).raise_for_status()
    except requests.RequestException as exc:
        unavailable(f"RabbitMQ's management API is needed to drop a connection: {exc}")
    event_ids = write_outbox(runtime, 5000)
    relay.connection.ensure_connection(max_retries=3)
    declare_topology(relay.connection)
    first_connection = relay.connection
    wait_until(lambda: _listed(first_connection), 15, "the relay's connection in management")

    sent_so_far = 0
    dropped = threading.Event()
    send = publishing.ConfirmWindow._send

    def send_and_drop_once(window: publishing.ConfirmWindow, message: publishing.Outgoing) -> None:
        nonlocal sent_so_far
        send(window, message)
        sent_so_far += 1
        if sent_so_far == 2_550 and not dropped.is_set():  # the 13th batch's 150th message
            close_from_the_broker(first_connection)
            dropped.set()

    monkeypatch.setattr(publishing.ConfirmWindow, "_send", send_and_drop_once)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_until(lambda: dropped.is_set() and unsent(runtime) == 0, 20, "every row sent")
    finally:
        stop.set()
        thread.join(timeout=10)

    assert relay.connection is not first_connection  # it did reconnect
    received = received_event_ids(runtime.settings, len(event_ids))
    assert set(received) == event_ids  # nothing lost, nothing foreign
    assert len(received) >= len(event_ids)  # duplicates are allowed


def test_a_refused_publish_stays_unsent_and_the_rest_is_marked_sent(
    runtime: Runtime, relay: OutboxRelay
) -> None:
    routing_key = f"test.overflow.{uuid.uuid4().hex[:8]}.v1"
    full_soon = Queue(
        f"overflow-{uuid.uuid4().hex[:8]}",
        exchange=Exchange("zirkel", type="topic", durable=True),
        routing_key=routing_key,
        queue_arguments={"x-max-length": 10, "x-overflow": "reject-publish"},
    )
    relay.connection.ensure_connection(max_retries=3)
    declare_topology(relay.connection)
    full_soon(relay.connection.default_channel).declare()
    outbox = runtime.tables["outbox"]
    with runtime.engine.begin() as db:
        for number in range(25):
            event_id = str(uuid.uuid4())
            db.execute(
                outbox.insert().values(
                    event_id=event_id,
                    routing_key=routing_key,
                    correlation_id="test",
                    body=json.dumps({"event_id": event_id, "number": number}),
                    created_at=datetime.now(UTC),
                )
            )

    assert relay.relay_once() == 10  # the broker nacks what does not fit
    assert unsent(runtime) == 15
    full_soon(relay.connection.default_channel).purge()
    assert relay.relay_once() == 10
    assert unsent(runtime) == 5


def _listed(connection: Connection) -> bool:
    host, port = connection.connection.sock.getsockname()[:2]
    response = requests.get(f"{MANAGEMENT}/connections", auth=AUTH, timeout=5)
    return any(c["name"] == f"{host}:{port} -> 127.0.0.1:5672" for c in response.json())
