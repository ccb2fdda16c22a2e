"""A disputed supplier invoice reaches the supplier as its orders do, on the channel it
takes them on: an e-mail, a signed webhook retried with backoff, or a message on its
own queue (tests/integration runs that one on RabbitMQ too). Once per dispute, however
often billing's event comes; a dispute that came before the supplier's address goes
out when the address does.

As in test_supplier_deliveries: notify's handlers get the events as the consumer would
hand them over, the supplier sender's ``send_due`` is called with a chosen ``now``, the
mail server and the supplier's webhook are real servers on loopback.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from notify.adapters.supplier_queue import supplier_queue
from shared.events import Event
from shared.messaging import connect
from tests.api.test_notify_api import order_placed
from tests.api.test_pooling_api import A
from tests.api.test_supplier_deliveries import (
    POOLING_URL,
    Webhook,
    deliver,
    sender,
    supplier_deliveries,
    supplier_updated,
)
from tests.support.http import serving

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service
    from tests.support.smtp import SmtpServer

INVOICE = 1  # the same number as order 1: a dispute and an order are told apart by kind


def disputed(invoice_id: int = INVOICE, **again: Any) -> Event:
    """Billing's announcement that the office disputes supplier A's invoice RE-2026-0815;
    ``again``: what differs in a later dispute of it (``dispute_number``, ``reason``...)."""
    return Event.of(
        "billing.supplier_invoice.disputed",
        {
            "supplier_invoice_id": invoice_id,
            "supplier_id": A,
            "number": "RE-2026-0815",
            "issued_on": date(2026, 3, 16),
            "gross_total": Decimal("1003.66"),
            "order_ids": [1],
            "reason": "Preis 38,00 bestätigt",
            "differences": [
                {"field": "line:DISP-10L:unit_price", "expected": "38.00", "found": "39.00"},
                {"field": "net_total", "expected": "834.40", "found": "846.40"},
            ],
        }
        | again,
    )


def disputed_again() -> Event:
    """The second dispute of the invoice, after the office assigned its orders anew."""
    return disputed(
        dispute_number=2,
        order_ids=[1, 2],
        reason="Auch Bestellung 2 zählt: Menge zu hoch",
        differences=[{"field": "line:SIL-5KG:quantity", "expected": "60", "found": "72"}],
    )


def test_an_email_supplier_gets_the_dispute_as_before(
    notify: Service, admin: Headers, smtp: SmtpServer
) -> None:
    deliver(notify, supplier_updated("email"))
    deliver(notify, disputed())
    out = sender(notify, smtp_port=smtp.port)  # pooling is not asked for documents
    assert out.send_due() == 1

    [mail] = smtp.mailbox.to("orders@ruhr.example")
    assert mail["Subject"] == "Rechnung RE-2026-0815 beanstandet / invoice RE-2026-0815 disputed"
    text = mail.get_body(("plain",)).get_content()
    assert "Grund / reason: Preis 38,00 bestätigt" in text
    assert "DISP-10L: Einzelpreis (bestätigt) / unit price (confirmed): 38.00 — 39.00" in text
    assert list(mail.iter_attachments()) == []
    assert mail["Message-ID"].endswith(".dispute-1-1@zirkel>")
    [delivery] = supplier_deliveries(notify)
    assert (delivery.kind, delivery.channel, delivery.status) == ("dispute", "email", "sent")


def test_a_webhook_supplier_gets_the_dispute_signed_and_retried(
    notify: Service, admin: Headers
) -> None:
    hook = Webhook(failures=1)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/zirkel"))
        deliver(notify, disputed())
        out, now = sender(notify), datetime.now(UTC)
        assert out.send_due(now) == 0
        assert out.send_due(now + timedelta(seconds=29)) == 0  # not due yet
        assert out.send_due(now + timedelta(seconds=30)) == 1

    assert [r["valid"] for r in hook.received] == [True, True]
    [delivery] = supplier_deliveries(notify)
    assert hook.received[-1]["headers"]["X-Zirkel-Delivery"] == str(delivery.id)
    body = hook.received[-1]["body"]
    assert body["event"] == "supplier_invoice.disputed"
    dispute = body["dispute"]
    assert (dispute["supplier_invoice_id"], dispute["number"]) == (INVOICE, "RE-2026-0815")
    assert (dispute["order_ids"], dispute["reason"]) == ([1], "Preis 38,00 bestätigt")
    assert (dispute["issued_on"], dispute["gross_total"]) == ("2026-03-16", "1003.66")
    assert dispute["differences"][0] == {
        "field": "line:DISP-10L:unit_price",
        "expected": "38.00",
        "found": "39.00",
    }
    assert body["links"]["orders"] == [f"{POOLING_URL}/api/v1/orders/1"]
    assert body["links"]["invoices"].endswith("/supplier/invoices")
    detail = notify.client.get(f"/api/v1/supplier-deliveries/{delivery.id}", headers=admin)
    log = detail.get_json()
    assert (log["kind"], log["supplier_invoice_id"], log["order_id"]) == (
        "supplier_dispute",
        INVOICE,
        None,
    )
    attempts = [(a["outcome"], a["status_code"]) for a in log["attempt_log"]]
    assert attempts == [("retry", 500), ("sent", 204)]


def test_a_redelivered_dispute_reaches_the_supplier_once_beside_its_order(
    notify: Service,
) -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/zirkel"))
        deliver(notify, order_placed())  # order 1
        event = disputed()  # supplier invoice 1
        deliver(notify, event)
        out = sender(notify)
        assert out.send_due() == 2

        deliver(notify, event)
        deliver(notify, dataclasses.replace(event, event_id=disputed().event_id))
        assert out.send_due() == 0

    assert [r["body"]["event"] for r in hook.received] == [
        "order.placed",
        "supplier_invoice.disputed",
    ]
    assert [(d.kind, d.subject_id) for d in supplier_deliveries(notify)] == [
        ("order", 1),
        ("dispute", INVOICE),
    ]


def test_an_amqp_supplier_finds_the_dispute_once_on_its_own_queue(notify: Service) -> None:
    """On the embedded broker here; tests/integration runs it on RabbitMQ."""
    deliver(notify, supplier_updated("amqp"))
    event = disputed()
    deliver(notify, event)
    out = sender(notify)
    assert out.send_due() == 1
    deliver(notify, dataclasses.replace(event, event_id=disputed().event_id))
    assert out.send_due() == 0
    out.queues.close()

    with connect(notify.runtime.settings) as connection:
        queue = supplier_queue(A, rabbitmq=False)(connection.default_channel)
        first, second = queue.get(no_ack=True), queue.get(no_ack=True)
    assert second is None
    assert first.properties["message_id"] == f"dispute-{INVOICE}-1"
    body = json.loads(first.body)
    assert body["event"] == "supplier_invoice.disputed"
    assert (body["dispute"]["supplier_invoice_id"], body["dispute"]["supplier_id"]) == (INVOICE, A)
    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.to, delivery.status) == ("amqp", "supplier.1.orders", "sent")


def test_an_email_supplier_gets_the_second_dispute_of_a_reopened_invoice_once(
    notify: Service, smtp: SmtpServer
) -> None:
    deliver(notify, supplier_updated("email"))
    first = disputed()
    deliver(notify, first)
    out = sender(notify, smtp_port=smtp.port)
    assert out.send_due() == 1

    second = disputed_again()
    for event in (second, first, second, dataclasses.replace(second, event_id=uuid.uuid4())):
        deliver(notify, event)  # the second dispute, and each redelivered
    assert out.send_due() == 1
    assert out.send_due() == 0

    mails = smtp.mailbox.to("orders@ruhr.example")
    assert [m["Subject"] for m in mails] == [
        "Rechnung RE-2026-0815 beanstandet / invoice RE-2026-0815 disputed",
        "Rechnung RE-2026-0815 erneut beanstandet (2. Beanstandung)"
        " / invoice RE-2026-0815 disputed again (dispute 2)",
    ]
    text = mails[1].get_body(("plain",)).get_content()
    assert "Grund / reason: Auch Bestellung 2 zählt: Menge zu hoch" in text
    assert "SIL-5KG: Menge (geliefert) / quantity (received): 60 — 72" in text
    assert mails[1]["Message-ID"].endswith(".dispute-1-2@zirkel>")
    assert [(d.dispute_number, d.status) for d in supplier_deliveries(notify)] == [
        (1, "sent"),
        (2, "sent"),
    ]


def test_a_webhook_supplier_gets_the_second_dispute_of_a_reopened_invoice_once(
    notify: Service, admin: Headers
) -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/zirkel"))
        deliver(notify, disputed())
        out = sender(notify)
        assert out.send_due() == 1
        deliver(notify, disputed_again())
        assert out.send_due() == 1
        deliver(notify, disputed())
        deliver(notify, dataclasses.replace(disputed_again(), event_id=uuid.uuid4()))
        assert out.send_due() == 0

    assert [r["valid"] for r in hook.received] == [True, True]
    sent = [r["body"]["dispute"] for r in hook.received]
    assert [(d["supplier_invoice_id"], d["dispute_number"]) for d in sent] == [
        (INVOICE, 1),
        (INVOICE, 2),
    ]
    assert (sent[1]["order_ids"], sent[1]["reason"]) == (
        [1, 2],
        "Auch Bestellung 2 zählt: Menge zu hoch",
    )
    assert hook.received[1]["body"]["links"]["orders"][1] == f"{POOLING_URL}/api/v1/orders/2"
    ids = [r["headers"]["X-Zirkel-Delivery"] for r in hook.received]
    assert ids == [str(d.id) for d in supplier_deliveries(notify)] and ids[0] != ids[1]
    logged = notify.client.get("/api/v1/deliveries?kind=supplier_dispute", headers=admin)
    assert [(d["supplier_invoice_id"], d["dispute_number"]) for d in logged.get_json()] == [
        (INVOICE, 2),
        (INVOICE, 1),
    ]


def test_an_amqp_supplier_finds_each_dispute_of_a_reopened_invoice_once(notify: Service) -> None:
    deliver(notify, supplier_updated("amqp"))
    out = sender(notify)
    for event in (disputed(), disputed_again(), disputed(), disputed_again()):
        deliver(notify, event)
    assert out.send_due() == 2
    assert out.send_due() == 0
    out.queues.close()

    with connect(notify.runtime.settings) as connection:
        queue = supplier_queue(A, rabbitmq=False)(connection.default_channel)
        found = [queue.get(no_ack=True) for _ in range(3)]
    assert found[2] is None
    assert [m.properties["message_id"] for m in found[:2]] == [
        f"dispute-{INVOICE}-1",
        f"dispute-{INVOICE}-2",
    ]
    assert [json.loads(m.body)["dispute"]["dispute_number"] for m in found[:2]] == [1, 2]


def test_a_dispute_that_came_before_its_supplier_goes_out_when_the_supplier_does(
    notify: Service, admin: Headers
) -> None:
    """The directory and billing's events come on different queues: the dispute may come
    first; it waits as failed (the office sees why) and takes the supplier's channel."""
    hook = Webhook(failures=0)
    deliver(notify, disputed())
    [waiting] = supplier_deliveries(notify)
    assert waiting.status == "failed"
    assert waiting.last_error == f"no email address known for supplier {A}"

    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/zirkel"))
        assert sender(notify).send_due() == 1

    [body] = [r["body"] for r in hook.received]
    assert body["dispute"]["number"] == "RE-2026-0815"
    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.status, delivery.last_error) == ("webhook", "sent", None)


def test_the_delivery_log_tells_disputes_from_orders(notify: Service, admin: Headers) -> None:
    deliver(notify, order_placed())
    deliver(notify, disputed())

    def kinds(query: str) -> list[Any]:
        found = notify.client.get(f"/api/v1/deliveries{query}", headers=admin)
        assert found.status_code == 200, found.get_json()
        suppliers = [d for d in found.get_json() if d["audience"] == "supplier"]
        return [(d["kind"], d["order_id"], d["supplier_invoice_id"]) for d in suppliers]

    assert kinds("") == [("supplier_dispute", None, INVOICE), ("supplier_order", 1, None)]
    assert kinds("?kind=supplier_dispute") == [("supplier_dispute", None, INVOICE)]
    assert kinds("?kind=supplier_order") == [("supplier_order", 1, None)]
    assert kinds("?kind=order_placed") == []
    only = notify.client.get("/api/v1/deliveries?kind=supplier_dispute", headers=admin)
    assert [d["audience"] for d in only.get_json()] == ["supplier"]
