"""Delivery limits on RabbitMQ's quorum queues, set explicitly: a message returned to its
working queue over and over lands in the dead-letter queue once, and a dead letter survives
being listed (each listing returns it to its queue) more often than the working limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from kombu import Connection

from shared.events import dump
from shared.messaging import (
    DEAD_LETTER_DELIVERY_LIMIT,
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
from tests.support.servers import throwaway_vhost
from tests.support.stack import wait_until

pytestmark = pytest.mark.rabbitmq

POOLING = subscriptions_of("pooling")[0]


@pytest.fixture
def settings(tmp_path: Path, rabbitmq_url: str) -> Iterator[Settings]:
    with throwaway_vhost() as broker:
        settings = Settings.from_env(
            {
                "ZIRKEL_SECRET_KEY": "d" * 32,
                "ZIRKEL_VAR_DIR": str(tmp_path),
                "ZIRKEL_BROKER_URL": broker,
            }
        )
        with connect(settings) as connection:
            declare_topology(connection)
        yield settings


def queue_info(management: str, settings: Settings, name: str) -> dict[str, Any]:
    vhost = quote(Connection(settings.broker_url).virtual_host, safe="")
    response = requests.get(f"{management}/api/queues/{vhost}/{name}", timeout=5)
    response.raise_for_status()
    return response.json()


def test_the_broker_shows_the_limits_of_working_and_dead_letter_queues(
    settings: Settings, management_url: str
) -> None:
    work = queue_info(management_url, settings, POOLING.queue_name)["arguments"]
    dead = queue_info(management_url, settings, POOLING.dead_letter_queue_name)["arguments"]

    assert work["x-queue-type"] == dead["x-queue-type"] == "quorum"
    assert work["x-delivery-limit"] == WORK_DELIVERY_LIMIT
    assert work["x-dead-letter-exchange"] == "zirkel.dead"
    assert dead["x-delivery-limit"] == DEAD_LETTER_DELIVERY_LIMIT > WORK_DELIVERY_LIMIT


def returned_until_gone(settings: Settings) -> int:
    """Take the message off the working queue and hand it back until the broker stops it."""
    returns = 0
    with connect(settings) as connection:
        channel = connection.channel()
        queue = queue_named(POOLING.queue_name, on_rabbitmq=True)(channel)
        while returns <= 3 * WORK_DELIVERY_LIMIT and (message := queue.get(no_ack=False)):
            message.requeue()
            returns += 1
        channel.close()
    return returns


def test_a_message_returned_over_and_over_is_dead_lettered_once_and_kept(
    settings: Settings,
) -> None:
    event = dump(need_posted(41))
    with connect(settings) as connection:
        Publisher(connection, settings.confirm_timeout).publish(
            json.dumps(event), routing_key="catalog.need.posted.v1", message_id=event["event_id"]
        )

    returns = returned_until_gone(settings)

    assert returns == WORK_DELIVERY_LIMIT + 1  # the first delivery and its returns
    letters = DeadLetters(settings, POOLING.dead_letter_queue_name)
    found = wait_until(lambda: letters.list(), 10, "the letter in the dead-letter queue")
    assert [letter["message_id"] for letter in found] == [event["event_id"]]
    assert found[0]["reason"] == "dead-lettered by the broker: delivery_limit"
    assert found[0]["queue"] == POOLING.queue_name
    for _ in range(WORK_DELIVERY_LIMIT + 5):  # each listing returns the letter to its queue
        assert [letter["message_id"] for letter in letters.list()] == [event["event_id"]]
