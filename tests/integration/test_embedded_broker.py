"""The embedded broker's leases (``shared.embedded_broker``): a message taken by a consumer
that dies before its ack is delivered again, an acked one never, a slow consumer that is
alive keeps its message, and a message that keeps coming back ends in the dead-letter queue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection, Message
from sqlalchemy import create_engine, text

from shared.events import dump
from shared.messaging import (
    WORK_DELIVERY_LIMIT,
    connect,
    declare_topology,
    queue_named,
    subscriptions_of,
)
from shared.ops import DeadLetters
from shared.publishing import Publisher
from shared.settings import Settings
from tests.integration.test_messaging import need_posted
from tests.support.stack import wait_until

QUEUE = subscriptions_of("pooling")[0]
TIMEOUT = 1.0  # the visibility timeout of these tests, in seconds


def environment(var_dir: Path) -> dict[str, str]:
    return {
        "ZIRKEL_SECRET_KEY": "b" * 32,
        "ZIRKEL_VAR_DIR": str(var_dir),
        "ZIRKEL_BROKER_VISIBILITY_TIMEOUT": str(TIMEOUT),
    }


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings.from_env(environment(tmp_path))
    with connect(settings) as connection:
        declare_topology(connection)
    return settings


@pytest.fixture
def broker(settings: Settings) -> Iterator[Connection]:
    with connect(settings) as connection:
        declare_topology(connection)
        yield connection


def publish(settings: Settings, need_id: int) -> str:
    event = dump(need_posted(need_id))
    with connect(settings) as connection:
        declare_topology(connection)
        Publisher(connection, settings.confirm_timeout).publish(
            json.dumps(event), routing_key="catalog.need.posted.v1", message_id=event["event_id"]
        )
    return event["event_id"]


def take(connection: Connection, seconds: float = 0.0) -> Message | None:
    """The next message of pooling's queue, looking for up to ``seconds``."""
    queue = queue_named(QUEUE.queue_name, on_rabbitmq=False)(connection.default_channel)
    deadline = time.monotonic() + seconds
    while (message := queue.get(no_ack=False)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return message


def message_id(message: Message | None) -> str | None:
    return None if message is None else message.properties.get("message_id")


TAKER = textwrap.dedent(
    """
    import time
    from shared.messaging import connect, declare_topology, queue_named
    from shared.settings import Settings

    settings = Settings.from_env()
    with connect(settings) as connection:
        declare_topology(connection)
        queue = queue_named("pooling.catalog-changes", on_rabbitmq=False)(connection.channel())
        while (message := queue.get(no_ack=False)) is None:
            time.sleep(0.05)
        print(message.properties["message_id"], flush=True)
        time.sleep(600)
    """
)


def test_a_message_whose_consumer_was_killed_before_its_ack_is_delivered_again(
    settings: Settings, broker: Connection, tmp_path: Path
) -> None:
    sent = publish(settings, 1)
    said = tmp_path / "taken.txt"
    with said.open("w") as out:
        taker = subprocess.Popen(
            [sys.executable, "-c", TAKER], env={**os.environ, **environment(tmp_path)}, stdout=out
        )
    try:
        assert wait_until(lambda: said.read_text().strip(), 30, "the taker's message") == sent
        assert take(broker) is None  # held by the living taker
    finally:
        taker.send_signal(signal.SIGKILL)
    taker.wait()
    killed_at = time.monotonic()

    again = take(broker, seconds=10 * TIMEOUT)

    redelivered_after = time.monotonic() - killed_at
    print(f"\ndelivered again {redelivered_after:.2f} s after kill -9 (timeout {TIMEOUT} s)")
    assert message_id(again) == sent
    assert again is not None and again.headers["x-delivery-count"] == 1
    assert redelivered_after < 3 * TIMEOUT
    again.ack()
    assert take(broker, seconds=2 * TIMEOUT) is None


def test_an_acked_message_never_comes_back(settings: Settings, broker: Connection) -> None:
    publish(settings, 2)
    message = take(broker, seconds=2)
    assert message is not None
    message.ack()

    assert take(broker, seconds=3 * TIMEOUT) is None
    assert broker.default_channel._size(QUEUE.queue_name) == 0
    assert rows(settings) == 0  # acked rows are deleted, not kept invisible


def test_a_slow_consumer_that_is_alive_keeps_its_message(
    settings: Settings, broker: Connection
) -> None:
    sent = publish(settings, 3)
    slow = take(broker, seconds=2)
    assert message_id(slow) == sent

    with connect(settings) as other:
        declare_topology(other)
        assert take(other, seconds=4 * TIMEOUT) is None  # the lease is renewed meanwhile
        assert slow is not None
        slow.ack()
        assert take(other, seconds=2 * TIMEOUT) is None


def test_a_message_returned_at_close_comes_back_at_once_and_only_once(
    settings: Settings,
) -> None:
    sent = publish(settings, 4)
    with connect(settings) as first:
        declare_topology(first)
        assert message_id(take(first, seconds=2)) == sent
    # the first connection closed with the message unacked: it is back, the same row

    with connect(settings) as second:
        declare_topology(second)
        again = take(second)
        assert message_id(again) == sent
        assert rows(settings) == 1
        assert again is not None
        again.ack()


def test_a_message_returned_over_and_over_is_dead_lettered_once(
    settings: Settings, broker: Connection
) -> None:
    sent = publish(settings, 5)
    returns = 0
    while returns <= 3 * WORK_DELIVERY_LIMIT and (message := take(broker)):
        message.requeue()
        returns += 1

    assert returns == WORK_DELIVERY_LIMIT + 1  # the first delivery and its returns
    letters = DeadLetters(settings, QUEUE.dead_letter_queue_name).list()
    assert [letter["message_id"] for letter in letters] == [sent]
    assert letters[0]["reason"] == "dead-lettered by the broker: delivery_limit"
    assert letters[0]["queue"] == QUEUE.queue_name
    for _ in range(WORK_DELIVERY_LIMIT + 5):  # each listing returns the letter to its queue
        listed = DeadLetters(settings, QUEUE.dead_letter_queue_name).list()
        assert [letter["message_id"] for letter in listed] == [sent]


def test_a_broker_file_of_kombus_own_transport_is_taken_over(tmp_path: Path) -> None:
    """An installation upgraded with messages waiting in kombu's ``sqla+`` broker file."""
    old = Settings.from_env(
        {**environment(tmp_path), "ZIRKEL_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}"}
    )
    with connect(old) as connection:
        declare_topology(connection)
    sent = publish(old, 6)

    new = Settings.from_env(environment(tmp_path))
    with connect(new) as connection:
        declare_topology(connection)
        message = take(connection, seconds=2)
        assert message_id(message) == sent
        assert message is not None
        message.ack()


def rows(settings: Settings, where: str = "") -> int:
    """Messages of pooling's queue in the broker's file (``where``: a further condition on
    the message ``m``)."""
    engine = create_engine(f"sqlite:///{settings.var_dir / 'broker.db'}")
    with engine.connect() as db:
        count = db.execute(
            text(
                "SELECT count(*) FROM kombu_message m JOIN kombu_queue q ON m.queue_id = q.id"
                f" WHERE q.name = :name {where}"
            ),
            {"name": QUEUE.queue_name},
        ).scalar_one()
    engine.dispose()
    return count
