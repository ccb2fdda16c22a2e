"""A dispute of a supplier's invoice on RabbitMQ: notify's supplier sender puts it on the
supplier's own quorum queue beside its order, persistent, once however often billing's
event comes, and a second dispute of the invoice (after the office reopened it) once
more; a broker user that may read that queue only takes them all, and the example
consumer acks the disputes (it confirms orders, it logs disputes)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest

from notify.entrypoints.app import create_app
from shared.settings import Settings
from tests.api.conftest import Service, _service
from tests.api.test_notify_api import order_placed
from tests.api.test_pooling_api import A
from tests.api.test_supplier_deliveries import deliver, sender, supplier_updated
from tests.api.test_supplier_disputes import INVOICE, disputed, disputed_again
from tests.integration.test_supplier_queue import CONSUMER, supplier_user
from tests.support.servers import throwaway_vhost

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def broker() -> Iterator[str]:
    with throwaway_vhost() as url:
        yield url


@pytest.fixture
def notify(tmp_path: Path, broker: str) -> Iterator[Service]:
    env = {"ZIRKEL_SECRET_KEY": "d" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    settings = Settings.from_env(env | {"ZIRKEL_BROKER_URL": broker})
    yield from _service(create_app, settings)


def example_consumer() -> type:
    spec = importlib.util.spec_from_file_location("supplier_consumer", CONSUMER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.OrderConsumer


def test_a_dispute_reaches_the_suppliers_queue_once_beside_its_order(
    notify: Service, broker: str, caplog: pytest.LogCaptureFixture
) -> None:
    deliver(notify, supplier_updated("amqp"))
    deliver(notify, order_placed())
    event = disputed()
    deliver(notify, event)
    out = sender(notify)
    assert out.send_due() == 2
    deliver(notify, event)
    deliver(notify, dataclasses.replace(event, event_id=disputed().event_id))
    assert out.send_due() == 0
    for _twice in range(2):
        deliver(notify, disputed_again())
    assert out.send_due() == 1
    out.queues.close()

    queue = f"supplier.{A}.orders"
    with supplier_user(broker, A) as amqp_url:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            channel = connection.channel()
            method, properties, body = channel.basic_get(queue)
            assert properties.message_id == "order-1"
            channel.basic_ack(method.delivery_tag)

            method, properties, body = channel.basic_get(queue)
            assert (properties.message_id, properties.delivery_mode) == (
                f"dispute-{INVOICE}-1",
                2,
            )
            message = json.loads(body)
            assert message["event"] == "supplier_invoice.disputed"
            assert message["dispute"]["number"] == "RE-2026-0815"
            args = Namespace(supplier_id=A, token="t", max_orders=0, retry_pause=0)
            consumer = example_consumer()(args)
            with caplog.at_level(logging.WARNING, logger="supplier-consumer"):
                consumer.on_message(channel, method, properties, body)
                method, properties, body = channel.basic_get(queue)
                assert properties.message_id == f"dispute-{INVOICE}-2"
                assert json.loads(body)["dispute"]["dispute_number"] == 2
                consumer.on_message(channel, method, properties, body)

            assert channel.basic_get(queue) == (None, None, None)  # acked, nothing more
        finally:
            connection.close()
    assert "invoice RE-2026-0815 (orders 1) disputed: Preis 38,00 bestätigt" in caplog.text
    assert "line:DISP-10L:unit_price: expected 38.00, invoiced 39.00" in caplog.text
    again = "invoice RE-2026-0815 (orders 1, 2) disputed again (dispute 2): Auch Bestellung 2"
    assert again in caplog.text
