"""What the supplier-invoice side of billing hears: each order event read into the order as
its supplier may bill it, and ``catalog.supplier.updated`` into the supplier's terms."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from billing.domain.invoice_matching import ExpectedLine, ExpectedOrder
from billing.domain.model import ZERO
from billing.domain.supplier_invoices import SupplierTerms
from billing.service_layer import supplier_invoices as si
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.events import (
    Event,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
    SupplierUpdated,
)
from shared.outbox import Outbox

Handler = Callable[[Session, Event], None]
PLACED, CONFIRMED = -2, -1


def _lines(lines: list[dict[str, Any]], quantity: str) -> tuple[ExpectedLine, ...]:
    return tuple(
        ExpectedLine(line["sku"], Decimal(line[quantity]), Decimal(line["unit_price"]))
        for line in lines
    )


def _order(
    p: dict[str, Any], status: str, lines: tuple[ExpectedLine, ...], fee: Any
) -> ExpectedOrder:
    return ExpectedOrder(p["order_id"], p["supplier_id"], status, lines, Decimal(fee or ZERO))


def order_placed(event: OrderPlaced) -> si.RecordBillableOrder:
    p = event.payload
    lines = _lines(event.lines, "ordered_quantity")
    return si.RecordBillableOrder(_order(p, "placed", lines, event.shipping_fee), PLACED)


def order_confirmed(event: OrderConfirmed) -> si.RecordBillableOrder | None:
    """The order as confirmed; an event of before the per-line confirmation (no lines)
    changes only the status."""
    p = event.payload
    if event.lines is None:
        return None
    lines = _lines(event.lines, "ordered_quantity")
    return si.RecordBillableOrder(_order(p, "confirmed", lines, event.shipping_fee), CONFIRMED)


def order_received(event: OrderReceived) -> si.RecordBillableOrder:
    p = event.payload
    lines = _lines(event.lines, "received_quantity")
    return si.RecordBillableOrder(_order(p, "received", lines, event.shipping_fee), event.revision)


def order_rejected(event: OrderRejected) -> si.RecordBillableOrder:
    p = event.payload
    return si.RecordBillableOrder(_order(p, "rejected", (), ZERO), CONFIRMED)


def supplier_updated(event: SupplierUpdated) -> SupplierTerms:
    p = event.payload

    def dec(name: str) -> Decimal | None:
        return None if p.get(name) is None else Decimal(p[name])

    return SupplierTerms(
        supplier_id=event.supplier_id,
        name=event.name,
        email=event.email,
        skonto_percent=dec("skonto_percent"),
        skonto_days=event.skonto_days,
        net_days=event.net_days,
        iban=event.iban,
        bic=event.bic,
    )


def handlers(outbox: Outbox) -> dict[str, Handler]:
    """Each event this side consumes, handled in a unit of work on the consumer's session."""

    def orders(read: Callable[[Event], si.RecordBillableOrder | None]) -> Handler:
        def handle(session: Session, event: Event) -> None:
            cmd = read(event)
            if cmd is not None:
                si.record_billable_order(cmd, SqlAlchemyUnitOfWork(session, outbox))

        return handle

    def suppliers(session: Session, event: Event) -> None:
        si.record_supplier(supplier_updated(event), SqlAlchemyUnitOfWork(session, outbox))

    return {
        "pooling.order.placed": orders(order_placed),
        "pooling.order.confirmed": orders(order_confirmed),
        "pooling.order.received": orders(order_received),
        "pooling.order.rejected": orders(order_rejected),
        "catalog.supplier.updated": suppliers,
    }


def together(first: Handler, then: Handler) -> Handler:
    """Two handlers of one event in the same transaction (one inbox row for both)."""

    def handle(session: Session, event: Event) -> None:
        first(session, event)
        then(session, event)

    return handle
