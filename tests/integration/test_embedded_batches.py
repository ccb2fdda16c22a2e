"""Publishing a batch into the embedded transport (kombu's ``sqla+sqlite``): one commit of
the broker's database for the whole batch, the messages in order, and all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from sqlalchemy import event

from shared.messaging import connect, declare_topology, queue_named, subscriptions_of
from shared.publishing import Outgoing, Publisher
from shared.settings import Settings

QUEUE = subscriptions_of("pooling")[0].queue_name


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[Connection]:
    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "k" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)})
    with connect(settings) as opened:
        declare_topology(opened)
        yield opened


def batch(count: int) -> list[Outgoing]:
    return [
        Outgoing(json.dumps({"number": n}), "catalog.need.posted.v1", f"message-{n}")
        for n in range(count)
    ]


def queued(connection: Connection) -> list[int]:
    queue = queue_named(QUEUE, on_rabbitmq=False)(connection.default_channel)
    found = []
    while (message := queue.get(no_ack=True)) is not None:
        found.append(json.loads(message.body)["number"])
    return found


def commits_of_the_broker(connection: Connection) -> list[int]:
    engine, _ = connection.default_channel._open()
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    return commits


def test_a_batch_is_one_commit_of_the_broker_database_in_order(connection: Connection) -> None:
    commits = commits_of_the_broker(connection)

    outcome = Publisher(connection, confirm_timeout=5).publish_batch(batch(300))

    assert outcome.failure is None
    assert outcome.confirmed == list(range(300))
    assert len(commits) == 1
    assert queued(connection) == list(range(300))


def test_a_batch_that_breaks_half_way_is_neither_stored_nor_confirmed(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = connection.default_channel
    put = channel._put
    count = 0

    def put_until_the_disk_is_full(queue: str, message: Any, **kwargs: Any) -> None:
        nonlocal count
        count += 1
        if count == 150:
            raise OSError("disk full")
        put(queue, message, **kwargs)

    monkeypatch.setattr(channel, "_put", put_until_the_disk_is_full)

    outcome = Publisher(connection, confirm_timeout=5).publish_batch(batch(300))

    assert isinstance(outcome.failure, OSError)
    assert outcome.confirmed == []  # the relay publishes the whole batch again
    monkeypatch.undo()
    assert queued(connection) == []
    assert Publisher(connection, confirm_timeout=5).publish_batch(batch(3)).confirmed == [0, 1, 2]
    assert queued(connection) == [0, 1, 2]
