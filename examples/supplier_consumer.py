"""A supplier's order consumer: takes Zirkel's orders from its own AMQP queue and confirms
each one through pooling's API.

Zirkel publishes every order placed with the supplier to the durable queue
``supplier.<id>.orders`` (exchange ``zirkel.suppliers``), persistent and with publisher
confirms; the message id is ``order-<order id>``. This consumer takes one message at a
time, confirms the order with ``POST /api/v1/orders/<id>/confirm`` and the supplier's
token, and acks the message only after pooling answered: an order already decided
(409) is acked too, a failed call leaves the message on the queue for the next try.

The same queue carries the disputes of the supplier's invoices (``event``
``supplier_invoice.disputed``, message id ``dispute-<supplier invoice id>-<dispute
number>``: an invoice the cooperative reopened may be disputed again, ``dispute_number``
2 and on): this consumer logs each (the invoice, the office's reason, the differences)
and acks it; replace ``dispute`` with the hand-over to your accounts.

    python examples/supplier_consumer.py --amqp-url amqp://supplier-7:pw@host/%2F \\
        --supplier-id 7 --pooling-url http://127.0.0.1:8002 --token "$SUPPLIER_TOKEN"

Only pika and requests are needed; replace ``handle`` with the hand-over to your own
order system.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import date, timedelta
from typing import Any

import pika
import requests

log = logging.getLogger("supplier-consumer")


class OrderConsumer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.queue = f"supplier.{args.supplier_id}.orders"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {args.token}"
        self.handled = 0

    def run(self) -> int:
        connection = pika.BlockingConnection(pika.URLParameters(self.args.amqp_url))
        channel = connection.channel()
        # The same arguments as Zirkel's declaration: a durable quorum queue.
        channel.queue_declare(self.queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.basic_qos(prefetch_count=1)
        channel.basic_consume(self.queue, self.on_message)
        log.info("waiting for orders on %s", self.queue)
        try:
            channel.start_consuming()
        finally:
            if connection.is_open:
                connection.close()
        return 0

    def on_message(self, channel: Any, method: Any, properties: Any, body: bytes) -> None:
        message = json.loads(body)
        if message.get("event") == "supplier_invoice.disputed":
            self.dispute(message["dispute"])
            channel.basic_ack(method.delivery_tag)
            return
        order = message["order"]
        if order["supplier_id"] != self.args.supplier_id:
            log.error("order %s is not ours; dropped", order["id"])
            channel.basic_reject(method.delivery_tag, requeue=False)
            return
        if self.handle(order):
            channel.basic_ack(method.delivery_tag)
            self.handled += 1
        else:
            time.sleep(self.args.retry_pause)
            channel.basic_nack(method.delivery_tag, requeue=True)
        if self.args.max_orders and self.handled >= self.args.max_orders:
            channel.stop_consuming()

    def dispute(self, dispute: dict[str, Any]) -> None:
        """The cooperative disputes one of our invoices: why, and each difference (a
        later dispute of the same invoice: ``dispute_number`` 2 and on)."""
        number = dispute.get("dispute_number", 1)
        log.warning(
            "invoice %s (orders %s) disputed%s: %s",
            dispute["number"],
            ", ".join(str(order_id) for order_id in dispute["order_ids"]),
            f" again (dispute {number})" if number > 1 else "",
            dispute["reason"],
        )
        for difference in dispute["differences"]:
            log.warning(
                "  %s: expected %s, invoiced %s",
                difference["field"],
                difference["expected"],
                difference["found"],
            )

    def handle(self, order: dict[str, Any]) -> bool:
        """Confirm the order; True once pooling has it decided (now or before). The token
        goes only to the pooling URL configured here, never to a URL from a message."""
        delivery = date.today() + timedelta(days=self.args.delivery_days)
        url = f"{self.args.pooling_url.rstrip('/')}/api/v1/orders/{order['id']}/confirm"
        try:
            response = self.http.post(
                url, json={"expected_delivery": delivery.isoformat()}, timeout=10
            )
        except requests.RequestException as exc:
            log.warning("order %s: pooling unreachable (%s); trying again", order["id"], exc)
            return False
        if response.status_code in (200, 409):
            log.info("order %s (%s EUR) confirmed for %s", order["id"], order["total"], delivery)
            return True
        log.warning("order %s: HTTP %s %s", order["id"], response.status_code, response.text)
        return False


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-url", required=True)
    parser.add_argument("--supplier-id", type=int, required=True)
    parser.add_argument("--pooling-url", required=True)
    parser.add_argument("--token", required=True, help="the supplier's API token")
    parser.add_argument("--delivery-days", type=int, default=5)
    parser.add_argument("--retry-pause", type=float, default=5.0)
    parser.add_argument("--max-orders", type=int, default=0, help="stop after this many")
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    sys.exit(OrderConsumer(arguments(sys.argv[1:])).run())
