"""A supplier that takes its orders from its own AMQP queue: the real processes on RabbitMQ,
and the example consumer (pika), logged in as a broker user that may read that supplier's
queue only, confirms the order through pooling's API."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pika
import pytest

from tests.e2e.test_worked_example import pooled, set_up_cooperative
from tests.support.servers import throwaway_vhost
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = [pytest.mark.rabbitmq, pytest.mark.e2e]

CONSUMER = Path(__file__).resolve().parents[2] / "examples" / "supplier_consumer.py"


@pytest.fixture
def broker() -> Iterator[str]:
    with throwaway_vhost() as url:
        yield url


@pytest.fixture
def stack(tmp_path: Path, broker: str) -> Iterator[Stack]:
    running = Stack(tmp_path, broker_url=broker)
    try:
        yield running.start()
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


@contextmanager
def supplier_user(broker: str, supplier_id: int) -> Iterator[str]:
    """A broker user that may declare and read ``supplier.<id>.orders`` and nothing else;
    deleted afterwards."""
    vhost = broker.rsplit("/", 1)[1]
    user, password = f"supplier-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    queue = rf"^supplier\.{supplier_id}\.orders$"
    rabbitmqctl("add_user", user, password)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, queue, "^$", queue)
        yield f"amqp://{user}:{password}@127.0.0.1:5672/{vhost}"
    finally:
        rabbitmqctl("delete_user", user)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def test_the_example_consumer_takes_its_order_from_its_queue_and_confirms_it(
    stack: Stack, broker: str
) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    [a, b] = admin.ok("GET", "catalog", "/suppliers")
    a_terms = {k: a[k] for k in ("name", "email", "shipping_fee", "free_shipping_from")}
    admin.ok("PUT", "catalog", f"/suppliers/{a['id']}", json=a_terms | {"delivery_channel": "amqp"})
    for need in WORKED_EXAMPLE.needs:
        body = {"sku": need.sku, "quantity": str(need.quantity)}
        Client(stack, members[need.member_index][1]).ok("POST", "catalog", "/needs", json=body)
    wait_until(lambda: pooled(admin) == {"DISP-10L": "14", "SIL-300": "64"}, 30, "needs pooled")
    [order] = admin.ok("POST", "pooling", "/pools/close")["orders"]
    assert order["supplier_id"] == a["id"]

    delivery = wait_until(lambda: sent(admin, a["id"]), 30, "the order on the supplier's queue")
    assert delivery["to"] == f"supplier.{a['id']}.orders"
    assert delivery["channel"] == "amqp"
    with supplier_user(broker, a["id"]) as amqp_url:
        probe = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="ACCESS_REFUSED"):
                probe.channel().queue_declare(
                    f"supplier.{b['id']}.orders", durable=True, arguments={"x-queue-type": "quorum"}
                )
        finally:
            probe.close()
        token = a_token(stack, a["id"])
        consumer = subprocess.run(
            [
                sys.executable,
                str(CONSUMER),
                f"--amqp-url={amqp_url}",
                f"--supplier-id={a['id']}",
                f"--pooling-url={stack.url('pooling')}",
                f"--token={token}",
                "--max-orders=1",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert consumer.returncode == 0, consumer.stderr
    confirmed = admin.ok("GET", "pooling", f"/orders/{order['id']}")
    assert confirmed["status"] == "confirmed"
    assert f"order {order['id']} (834.40 EUR) confirmed" in consumer.stderr
    wait_until(
        lambda: any(
            n["kind"] == "order_confirmed" for n in admin.ok("GET", "notify", "/notifications")
        ),
        30,
        "members told of the confirmation",
    )


def sent(admin: Client, supplier_id: int) -> dict | None:
    log = admin.ok("GET", "notify", f"/deliveries?supplier_id={supplier_id}")
    return next((d for d in log if d["status"] == "sent"), None)


def a_token(stack: Stack, supplier_id: int) -> str:
    """The supplier's API token as catalog issued it (signed with the shared secret)."""
    from shared.auth import TokenAuthority

    return TokenAuthority(stack.env["ZIRKEL_SECRET_KEY"]).issue("supplier", supplier_id)
