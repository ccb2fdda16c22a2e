"""What billing hears: each event it consumes read into its command (the handlers never
see an event's payload)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from billing.domain.model import STANDARD_RATE, Buyer, Product, ReceivedNeed
from billing.service_layer import commands
from shared.events import Event


def record_member(event: Event) -> commands.RecordMember:
    p = event.payload
    return commands.RecordMember(
        Buyer(
            member_id=p["member_id"],
            name=p["name"],
            legal_name=p.get("legal_name"),
            street=p.get("street"),
            postcode=p.get("postcode"),
            city=p.get("city"),
            country=p.get("country") or "DE",
            vat_id=p.get("vat_id"),
            email=p.get("email"),
            language=p.get("language") or "de",
        )
    )


def record_product(event: Event) -> commands.RecordProduct:
    p = event.payload
    rate = p.get("vat_rate")
    return commands.RecordProduct(
        Product(p["sku"], p["name"], p["unit"], STANDARD_RATE if rate is None else Decimal(rate))
    )


def record_order(event: Event) -> commands.RecordOrder:
    p = event.payload
    needs = tuple(
        commands.PlacedNeed(
            a["need_id"], a["member_id"], line["sku"], a["quantity"], line["unit_price"]
        )
        for line in p["lines"]
        for a in line["allocations"]
    )
    return commands.RecordOrder(p["order_id"], p["window_id"], p["supplier_id"], needs)


def confirm_order(event: Event) -> commands.ConfirmOrder:
    p = event.payload
    return commands.ConfirmOrder(p["order_id"], p["window_id"], frozenset(p["need_ids"]))


def reject_order(event: Event) -> commands.RejectOrder:
    return commands.RejectOrder(event.payload["order_id"], event.payload["window_id"])


def record_receipt(event: Event, timezone: ZoneInfo) -> commands.RecordReceipt:
    p = event.payload
    needs = tuple(
        (a["member_id"], _received(p["order_id"], line, a))
        for line in p["lines"]
        for a in line["allocations"]
    )
    return commands.RecordReceipt(
        order_id=p["order_id"],
        window_id=p["window_id"],
        revision=p["revision"],
        received_on=_day(event, timezone),
        needs=needs,
        results=_results(p),
    )


def serve_from_depot(event: Event) -> commands.ServeFromDepot:
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
        for a in p["allocations"]
    )
    return commands.ServeFromDepot(p["window_id"], parts, _results(p))


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
