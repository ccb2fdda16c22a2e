"""What billing hears: each event it consumes read into its command (the handlers never
see an event's payload)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from billing.domain.model import STANDARD_RATE, Buyer, Product, ReceivedNeed
from billing.domain.settlement import Mandate
from billing.service_layer import commands
from shared.events import (
    DepotServed,
    Event,
    MemberRegistered,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
    ProductUpdated,
)


def record_member(event: MemberRegistered) -> commands.RecordMember:
    p = event.payload
    buyer = Buyer(
        member_id=event.member_id,
        name=event.name,
        legal_name=event.legal_name,
        street=event.street,
        postcode=event.postcode,
        city=event.city,
        country=event.country or "DE",
        vat_id=event.vat_id,
        email=event.email,
        language=event.language or "de",
    )
    return commands.RecordMember(buyer, _mandate(buyer, p))


def _mandate(buyer: Buyer, p: dict[str, Any]) -> Mandate | None:
    """The member's mandate when the event names all of it (IBAN, reference, signed on)."""
    iban, reference, signed_on = (
        p.get("iban"),
        p.get("mandate_reference"),
        p.get("mandate_signed_on"),
    )
    if not (iban and reference and signed_on):
        return None
    if isinstance(signed_on, str):
        signed_on = date.fromisoformat(signed_on)
    return Mandate(buyer.member_id, buyer.invoice_name, iban, reference, signed_on)


def record_product(event: ProductUpdated) -> commands.RecordProduct:
    rate = event.vat_rate
    return commands.RecordProduct(
        Product(event.sku, event.name, event.unit, STANDARD_RATE if rate is None else Decimal(rate))
    )


def record_order(event: OrderPlaced) -> commands.RecordOrder:
    needs = tuple(
        commands.PlacedNeed(
            a["need_id"], a["member_id"], line["sku"], a["quantity"], line["unit_price"]
        )
        for line in event.lines
        for a in line["allocations"]
    )
    return commands.RecordOrder(event.order_id, event.window_id, event.supplier_id, needs)


def confirm_order(event: OrderConfirmed) -> commands.ConfirmOrder:
    return commands.ConfirmOrder(event.order_id, event.window_id, frozenset(event.need_ids))


def reject_order(event: OrderRejected) -> commands.RejectOrder:
    return commands.RejectOrder(event.order_id, event.window_id)


def record_receipt(event: OrderReceived, timezone: ZoneInfo) -> commands.RecordReceipt:
    p = event.payload
    needs = tuple(
        (a["member_id"], _received(event.order_id, line, a))
        for line in event.lines
        for a in line["allocations"]
    )
    return commands.RecordReceipt(
        order_id=event.order_id,
        window_id=event.window_id,
        revision=event.revision,
        received_on=_day(event, timezone),
        needs=needs,
        results=_results(p),
    )


def serve_from_depot(event: DepotServed) -> commands.ServeFromDepot:
    p = event.payload
    parts = tuple(
        commands.DepotPart(
            member_id=a["member_id"],
            need=ReceivedNeed(
                need_id=a["need_id"],
                order_id=a["order_id"],
                sku=a["sku"],
                received=a["quantity"],
                unit_price=a["unit_price"],
                goods=a["goods"],
                shipping_share=Decimal("0.00"),
            ),
            rest=a["rest_quantity"],
        )
        for a in event.allocations
    )
    return commands.ServeFromDepot(event.window_id, parts, _results(p))


def _results(payload: dict[str, Any]) -> tuple[commands.MemberResult, ...]:
    return tuple(
        commands.MemberResult(s["member_id"], s["baseline"], s["paid"], s["saved"])
        for s in payload["member_savings"]
    )


def _received(order_id: int, line: dict[str, Any], allocation: dict[str, Any]) -> ReceivedNeed:
    return ReceivedNeed(
        need_id=allocation["need_id"],
        order_id=order_id,
        sku=line["sku"],
        received=allocation["received"],
        unit_price=line["unit_price"],
        goods=allocation["goods"],
        shipping_share=allocation["shipping_share"],
    )


def _day(event: Event, timezone: ZoneInfo) -> date:
    return event.occurred_at.astimezone(timezone).date()
