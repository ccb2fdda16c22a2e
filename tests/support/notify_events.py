"""Events for notify's tests: the worked example's members and its order, closed at a
chosen moment; notify's reactions with unsubscribe links and a chosen clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from notify.bootstrap import handlers
from shared.events import Event
from tests.api.test_notify_api import allocation, order_placed, savings

D = Decimal
CLOSED = datetime(2026, 3, 12, 11, 0, tzinfo=UTC)  # a Thursday noon in Berlin
TRADES = {1: "painter", 2: "mason", 3: "painter", 4: "tiler"}


def member_registered(member_id: int, language: str = "de", trade: str | None = None) -> Event:
    return Event.of(
        "catalog.member.registered",
        {
            "member_id": member_id,
            "name": f"Betrieb {member_id}",
            "trade": trade or TRADES.get(member_id, "painter"),
            "email": f"office{member_id}@betrieb.example",
            "postcode": "44135",
            "language": language,
        },
    )


def placed_at(moment: datetime, order_id: int = 1, window_id: int = 1) -> Event:
    """The worked example's order at supplier A, closed at ``moment``."""
    return dataclasses.replace(order_placed(order_id, window_id), occurred_at=moment)


def second_order(moment: datetime, window_id: int = 1, order_id: int = 2) -> Event:
    """Member 1 also bought at supplier 2 in the window: 5 x 10.00 = 50.00, saved 10.00."""
    return Event.of(
        "pooling.order.placed",
        {
            "order_id": order_id,
            "window_id": window_id,
            "supplier_id": 2,
            "lines": [
                {
                    "sku": "ROLLE-25",
                    "packs": 5,
                    "ordered_quantity": D("5"),
                    "unit_price": D("10.00"),
                    "line_total": D("50.00"),
                    "surplus_quantity": D("0"),
                    "allocations": [allocation(90, 1, "5", "50.00")],
                }
            ],
            "shipping_fee": D("0.00"),
            "total": D("50.00"),
            "member_savings": [savings(1, "319.00", "278.00", "41.00")],
        },
        occurred_at=moment,
    )


def two_orders(moment: datetime) -> tuple[Event, Event]:
    """The worked example's window with member 1's second order at supplier 2: both orders
    carry the window's figures for member 1 (319.00 alone, 278.00 paid, 41.00 saved)."""
    first = placed_at(moment)
    member_savings = [
        savings(1, "319.00", "278.00", "41.00") if s["member_id"] == 1 else s
        for s in first.payload["member_savings"]
    ]
    first = dataclasses.replace(first, member_savings=member_savings)
    return first, second_order(moment + timedelta(seconds=2))


def reactions(notify: Any, clock: Callable[[], datetime] | None = None, **options: Any) -> dict:
    """Notify's handlers as its worker builds them (with unsubscribe links)."""
    if clock is not None:
        options["clock"] = clock
    options.setdefault("report_delay", timedelta(seconds=60))
    return handlers(notify.runtime.settings, notify.runtime.outbox, **options)


def register_members(notify: Any, react: dict, english: tuple[int, ...] = (3,)) -> None:
    for member_id in (1, 2, 3, 4):
        language = "en" if member_id in english else "de"
        notify.deliver(react, member_registered(member_id, language))


def after(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)


def now() -> datetime:
    return datetime.now(UTC)


def invoice_issued(
    invoice_id: int,
    member_id: int,
    net: str,
    vat: str,
    window_id: int = 1,
    kind: str = "invoice",
    language: str = "de",
) -> Event:
    """Billing's announcement of a member's invoice (or credit note) of a window."""
    return Event.of(
        "billing.invoice.issued",
        {
            "invoice_id": invoice_id,
            "number": f"ZK-2026-{invoice_id:06d}",
            "type": kind,
            "member_id": member_id,
            "window_id": window_id,
            "issued_on": date(2026, 3, 16),
            "net_total": D(net),
            "vat_total": D(vat),
            "gross_total": D(net) + D(vat),
            "language": language,
        },
    )
