"""What a supplier notices of notify's handlers, on a unit of work in memory: its order
on the channel it chose, waiting for an address that comes later, sent again by the
office once given up; a disputed invoice the same way, on the same channel, once."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from notify.service_layer.commands import RetrySupplierDelivery
from notify.service_layer.ops_alerts import on_ops_alert
from notify.service_layer.supplier_handlers import (
    on_supplier_updated,
    queue_supplier_order,
    retry_supplier_delivery,
)
from notify.service_layer.supplier_invoice_disputes import on_supplier_invoice_disputed
from shared import events
from shared.errors import Conflict, NotFound
from shared.events import Event
from tests.support.notify_events import CLOSED
from tests.unit.notify.fakes import FakeUnitOfWork
from tests.unit.notify.scenes import arrived, placed_at

POOLING = "https://pooling.zirkel.example"
PAGES = "https://einkauf.zirkel.example"


def supplier_updated(channel: str = "email", **where: Any) -> Any:
    terms = {"supplier_id": 1, "name": "Farben Nord", "shipping_fee": Decimal("25.00")}
    return arrived(
        Event.of("catalog.supplier.updated", terms | {"delivery_channel": channel} | where)
    )


def disputed(invoice_id: int = 7, **again: Any) -> Any:
    """Billing's event of a dispute of invoice ``invoice_id``; ``again``: a later dispute's
    ``dispute_number`` and ``reason``."""
    dispute = {
        "supplier_invoice_id": invoice_id,
        "supplier_id": 1,
        "number": "FN-2026-0042",
        "issued_on": date(2026, 3, 16),
        "gross_total": Decimal("660.50"),
        "order_ids": [1],
        "reason": "Einzelpreis höher als bestätigt",
        "differences": [
            {"field": "line:DISP-10L:unit_price", "expected": "38.00", "found": "39.00"}
        ],
    }
    return arrived(Event.of("billing.supplier_invoice.disputed", dispute | again))


def test_an_order_goes_on_the_suppliers_channel_once() -> None:
    uow = FakeUnitOfWork()
    on_supplier_updated(supplier_updated("webhook", webhook_url="https://fn.example/hook"), uow)
    placed = placed_at(CLOSED)

    queue_supplier_order(placed, uow, POOLING)
    queue_supplier_order(placed, uow, POOLING)  # redelivered

    [delivery] = uow.supplier_deliveries.rows
    assert (delivery.channel, delivery.to, delivery.status) == (
        "webhook",
        "https://fn.example/hook",
        "pending",
    )


def test_an_order_waits_for_the_suppliers_address_and_goes_when_it_comes() -> None:
    uow = FakeUnitOfWork()  # the order reaches notify before the supplier's entry
    queue_supplier_order(placed_at(CLOSED), uow, POOLING)
    [waiting] = uow.supplier_deliveries.rows
    assert (waiting.status, waiting.to) == ("failed", "")

    on_supplier_updated(supplier_updated(email="bestellung@fn.example"), uow)

    assert (waiting.status, waiting.to) == ("pending", "bestellung@fn.example")


def test_the_office_sends_a_given_up_order_again_to_the_address_known_now() -> None:
    uow = FakeUnitOfWork()
    on_supplier_updated(supplier_updated(email="alt@fn.example"), uow)
    queue_supplier_order(placed_at(CLOSED), uow, POOLING)
    [delivery] = uow.supplier_deliveries.rows
    with pytest.raises(Conflict):  # still trying: nothing to send again
        retry_supplier_delivery(RetrySupplierDelivery(delivery.id), uow)
    delivery.status, delivery.attempts = "failed", 8
    on_supplier_updated(supplier_updated(email="neu@fn.example"), uow)

    retry_supplier_delivery(RetrySupplierDelivery(delivery.id), uow)

    assert (delivery.status, delivery.attempts, delivery.to) == ("pending", 0, "neu@fn.example")
    with pytest.raises(NotFound):
        retry_supplier_delivery(RetrySupplierDelivery(99), uow)


def dispute(event: Any, uow: FakeUnitOfWork) -> None:
    on_supplier_invoice_disputed(event, uow, POOLING, PAGES)


def test_a_disputed_invoice_reaches_the_supplier_by_email_once() -> None:
    uow = FakeUnitOfWork()
    on_supplier_updated(supplier_updated(email="buchhaltung@fn.example"), uow)

    dispute(disputed(), uow)
    dispute(disputed(), uow)  # redelivered

    [mail] = uow.supplier_deliveries.rows
    assert (mail.supplier_id, mail.kind, mail.subject_id) == (1, "dispute", 7)
    assert (mail.channel, mail.to, mail.status) == ("email", "buchhaltung@fn.example", "pending")
    assert "FN-2026-0042" in mail.subject
    assert "Einzelpreis höher als bestätigt" in mail.body
    assert f"{PAGES}/supplier/invoices" in mail.body
    assert uow.deliveries.rows == []


def test_a_dispute_goes_on_the_webhook_the_supplier_takes_its_orders_on() -> None:
    uow = FakeUnitOfWork()
    hook = "https://fn.example/hook"
    on_supplier_updated(supplier_updated("webhook", webhook_url=hook, webhook_secret="s"), uow)
    queue_supplier_order(placed_at(CLOSED), uow, POOLING)  # order 1

    dispute(disputed(invoice_id=1), uow)  # invoice 1: not order 1
    dispute(disputed(invoice_id=1), uow)

    order, disputed_invoice = uow.supplier_deliveries.rows
    assert (order.kind, order.subject_id, order.order_id) == ("order", 1, 1)
    assert (disputed_invoice.kind, disputed_invoice.supplier_invoice_id) == ("dispute", 1)
    assert (disputed_invoice.channel, disputed_invoice.to) == ("webhook", hook)
    message = json.loads(disputed_invoice.message)
    assert message == {
        "event": "supplier_invoice.disputed",
        "dispute": {
            "supplier_invoice_id": 1,
            "dispute_number": 1,
            "number": "FN-2026-0042",
            "issued_on": "2026-03-16",
            "gross_total": "660.50",
            "supplier_id": 1,
            "order_ids": [1],
            "reason": "Einzelpreis höher als bestätigt",
            "differences": [
                {"field": "line:DISP-10L:unit_price", "expected": "38.00", "found": "39.00"}
            ],
        },
        "links": {
            "invoices": f"{PAGES}/supplier/invoices",
            "orders": [f"{POOLING}/api/v1/orders/1"],
        },
    }


def test_an_invoice_disputed_again_reaches_the_supplier_again_and_each_dispute_once() -> None:
    uow = FakeUnitOfWork()
    on_supplier_updated(supplier_updated(email="buchhaltung@fn.example"), uow)
    second = disputed(dispute_number=2, reason="Menge weiter zu hoch")

    for event in (disputed(), second, disputed(), second):  # each redelivered
        dispute(event, uow)

    first_mail, second_mail = uow.supplier_deliveries.rows
    assert [(m.subject_id, m.dispute_number) for m in (first_mail, second_mail)] == [
        (7, 1),
        (7, 2),
    ]
    assert first_mail.subject == "Rechnung FN-2026-0042 beanstandet / invoice FN-2026-0042 disputed"
    assert second_mail.subject == (
        "Rechnung FN-2026-0042 erneut beanstandet (2. Beanstandung)"
        " / invoice FN-2026-0042 disputed again (dispute 2)"
    )
    assert "Menge weiter zu hoch" in second_mail.body
    assert "erneut (2. Beanstandung)" in second_mail.body
    assert json.loads(second_mail.message)["dispute"]["dispute_number"] == 2
    assert (second_mail.about, first_mail.about) == ("dispute-7-2", "dispute-7-1")


def test_an_event_from_before_disputes_were_numbered_is_the_first_dispute() -> None:
    uow = FakeUnitOfWork()
    on_supplier_updated(supplier_updated(email="buchhaltung@fn.example"), uow)
    dispute(disputed(dispute_number=1), uow)

    sent = events.dump(disputed())  # billing's event as it was: no dispute_number
    del sent["payload"]["dispute_number"]
    old = events.load(json.loads(json.dumps(sent)))
    assert old.dispute_number == 1
    dispute(old, uow)

    [mail] = uow.supplier_deliveries.rows
    assert mail.dispute_number == 1


def test_a_dispute_to_a_supplier_without_an_address_waits_for_it_and_takes_its_channel() -> None:
    uow = FakeUnitOfWork()

    dispute(disputed(), uow)

    [waiting] = uow.supplier_deliveries.rows
    assert (waiting.status, waiting.to) == ("failed", "")
    assert waiting.last_error == "no email address known for supplier 1"

    on_supplier_updated(supplier_updated("amqp"), uow)

    assert (waiting.channel, waiting.to, waiting.status) == ("amqp", "supplier.1.orders", "pending")
    assert waiting.last_error is None


def alert(state: str = "raised") -> Any:
    moment = {"raised_at": CLOSED, "resolved_at": CLOSED if state == "resolved" else None}
    body = {"alert_id": 3, "kind": "queue", "subject": "Warteschlange wächst", "message": "m"}
    return arrived(Event.of(f"catalog.ops.alert.{state}", body | moment))


def test_an_ops_alert_reaches_the_admins_once_per_state() -> None:
    uow = FakeUnitOfWork()
    admins = ("ops@zirkel.example", "chef@zirkel.example")
    dashboard = "https://zirkel.example/admin/ops"

    for event in (alert(), alert(), alert("resolved")):
        on_ops_alert(event, uow, admins, dashboard)
    unaddressed = FakeUnitOfWork()
    on_ops_alert(alert(), unaddressed, (), dashboard)  # no addresses: only logged

    assert [(d.kind, d.to) for d in uow.deliveries.rows] == [
        ("ops_alert_raised", "ops@zirkel.example, chef@zirkel.example"),
        ("ops_alert_resolved", "ops@zirkel.example, chef@zirkel.example"),
    ]
    assert unaddressed.deliveries.rows == []
