"""The pooling API's schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, post_dump

from pooling.domain.model import HEAD_OFFICE
from shared.fields import VisibleText


def _amount() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class NextTierOut(Schema):
    min_quantity = _amount()
    unit_price = _amount()
    missing = _amount()


class OfferProgressOut(Schema):
    supplier_id = fields.Integer()
    ordered_quantity = _amount()
    unit_price = _amount()
    next_tier = fields.Nested(NextTierOut, allow_none=True)


class ProductProgressOut(Schema):
    sku = fields.String()
    quantity = _amount()
    offers = fields.List(fields.Nested(OfferProgressOut))


class PoolOut(Schema):
    window_id = fields.Integer(allow_none=True)
    closes_at = fields.AwareDateTime()
    products = fields.List(fields.Nested(ProductProgressOut))


class AllocationOut(Schema):
    need_id = fields.Integer()
    member_id = fields.Integer()
    quantity = _amount()
    goods = _amount()
    shipping_share = _amount()
    paid = _amount()
    delivery_site = fields.Function(lambda a: a.delivery_site or HEAD_OFFICE)


def delivery_split(allocations: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A line's quantity per delivery site (site order: as the needs first name them)."""
    sites: dict[str, Decimal] = {}
    for a in allocations:
        site = a["delivery_site"]
        sites[site] = sites.get(site, Decimal(0)) + Decimal(a["quantity"])
    return [{"delivery_site": site, "quantity": format(q, "f")} for site, q in sites.items()]


class OrderLineOut(Schema):
    sku = fields.String()
    packs = fields.Integer()
    ordered_quantity = _amount()
    unit_price = _amount()
    line_total = _amount()
    surplus_quantity = _amount()
    allocations = fields.List(fields.Nested(AllocationOut))

    @post_dump
    def _sites(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["sites"] = delivery_split(data["allocations"])
        return data


class OrderOut(Schema):
    id = fields.Integer()
    window_id = fields.Integer()
    supplier_id = fields.Integer()
    status = fields.String()
    lines = fields.List(fields.Nested(OrderLineOut))
    shipping_fee = _amount()
    total = _amount()
    placed_at = fields.AwareDateTime()
    expected_delivery = fields.Date(allow_none=True)
    reject_reason = fields.String(allow_none=True)


class UnofferedOut(Schema):
    need_id = fields.Integer()
    member_id = fields.Integer()
    sku = fields.String()
    quantity = _amount()


class ClosedPoolOut(Schema):
    window_id = fields.Integer()
    orders = fields.List(fields.Nested(OrderOut))
    total_cost = _amount()
    members_baseline = _amount()
    members_paid = _amount()
    members_saved = _amount()
    unoffered = fields.List(fields.Nested(UnofferedOut))
    optimal = fields.Boolean()
    optimality_gap = _amount()


class CloseIn(Schema):
    window_id = fields.Integer(strict=True, allow_none=True, load_default=None)


class ConfirmIn(Schema):
    expected_delivery = fields.Date(allow_none=True, load_default=None)


class RejectIn(Schema):
    reason = VisibleText(1000, lines=True, required=True)
