"""Pooling's event consumer while its PostgreSQL is down: the events wait for the database.

A handler that fails because the database does not answer has not failed on the event:
the consumer holds the events (unacked) until the database answers again, then handles
each once; none spends one of its bounded retries or reaches the dead-letter queue.

The database is a private PostgreSQL cluster of the test's own, crashed with an immediate
shutdown; the broker is a throwaway vhost on the machine's RabbitMQ.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kombu import Connection
from sqlalchemy import func, select

from pooling.adapters import orm
from shared.events import Event, dump
from shared.messaging import connect, subscriptions_of
from shared.publishing import Publisher
from shared.runtime import Runtime
from shared.settings import Settings
from tests.faults.chaos import queue_depth
from tests.support.consumers import fresh_pooling, pooling_consumer
from tests.support.private_servers import PrivatePostgres
from tests.support.stack import wait_until

pytestmark = [pytest.mark.rabbitmq]

QUEUE = subscriptions_of("pooling")[0]
NEEDS = 30


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as cluster:
        yield cluster


@pytest.fixture
def runtime(tmp_path: Path, rabbitmq_url: str, postgres: PrivatePostgres) -> Runtime:
    settings = Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "k" * 32,
            "ZIRKEL_VAR_DIR": str(tmp_path),
            "ZIRKEL_BROKER_URL": rabbitmq_url,
            "ZIRKEL_DATABASE_URL": postgres.url,
        }
    )
    return fresh_pooling(settings)


def need_posted(need_id: int) -> str:
    payload = {
        "need_id": need_id,
        "member_id": 1,
        "sku": "FUGE-5",
        "quantity": Decimal(1),
        "posted_at": datetime.now(UTC),
    }
    return json.dumps(dump(Event.of("catalog.need.posted", payload)))


def publish_needs(connection: Connection, count: int) -> None:
    publisher = Publisher(connection, 5.0)
    for need_id in range(1, count + 1):
        publisher.publish(need_posted(need_id), routing_key="catalog.need.posted.v1")


def pooled(runtime: Runtime) -> int:
    with runtime.engine.connect() as db:
        return db.scalar(select(func.count()).select_from(orm.PooledNeed.__table__)) or 0


def test_events_wait_for_a_crashed_database_and_are_handled_once(
    runtime: Runtime, postgres: PrivatePostgres
) -> None:
    broker = runtime.settings.broker_url
    with pooling_consumer(runtime, max_retries=runtime.settings.consumer_max_retries):
        postgres.crash()
        with connect(runtime.settings) as connection:
            publish_needs(connection, NEEDS)
        time.sleep(3.0)  # the consumer takes the events while the database is down
        dead_while_down = queue_depth(broker, QUEUE.dead_letter_queue_name)
        postgres.start()
        assert dead_while_down == 0, "an event was dead-lettered because the database was down"
        wait_until(lambda: pooled(runtime) == NEEDS, 60, "every need pooled")
        time.sleep(1.0)  # room for a doubled or dead-lettered event to show
        assert pooled(runtime) == NEEDS
    assert queue_depth(broker, QUEUE.dead_letter_queue_name) == 0
    assert queue_depth(broker, QUEUE.queue_name) == 0
