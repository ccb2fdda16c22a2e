"""The pooling API's schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, post_load, validates_schema
from marshmallow.validate import Length, Range

from pooling.domain.model import HEAD_OFFICE, earliest_needed_by
from shared.fields import BoundedDecimal, Quantity, VisibleText


def _amount() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class NextTierOut(Schema):
    min_quantity = _amount()
    unit_price = _amount()
    missing = _amount()
    missing_flexible = _amount()  # of ``missing``, what flexible needs do not offer yet


class OfferProgressOut(Schema):
    supplier_id = fields.Integer()
    ordered_quantity = _amount()
    unit_price = _amount()
    next_tier = fields.Nested(NextTierOut, allow_none=True)


class ProductProgressOut(Schema):
    sku = fields.String()
    quantity = _amount()
    depot_quantity = _amount()  # rule 11: what the depot would serve of it; offers: the rest
    flexible = _amount()  # how much more the flexible needs would take
    offers = fields.List(fields.Nested(OfferProgressOut))


class PoolOut(Schema):
    window_id = fields.Integer(allow_none=True)
    closes_at = fields.AwareDateTime()
    products = fields.List(fields.Nested(ProductProgressOut))
    needs = fields.Integer()  # open needs in the window
    members = fields.Integer()  # members who posted them


class AllocationOut(Schema):
    need_id = fields.Integer()
    member_id = fields.Integer()
    quantity = _amount()
    goods = _amount()
    shipping_share = _amount()
    paid = _amount()
    delivery_site = fields.Function(lambda a: a.delivery_site or HEAD_OFFICE)
    received = fields.Decimal(as_string=True, dump_default=None)  # null until booked
    extra_quantity = _amount()  # of ``quantity``, taken on the need's flexibility (up_to)
    needed_by = fields.Date(allow_none=True)  # the need's "benötigt bis" (null: none given)


def delivery_split(allocations: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A line's quantity per delivery site (site order: as the needs first name them)."""
    sites: dict[str, Decimal] = {}
    for a in allocations:
        site = a["delivery_site"]
        sites[site] = sites.get(site, Decimal(0)) + Decimal(a["quantity"])
    return [{"delivery_site": site, "quantity": format(q, "f")} for site, q in sites.items()]


def earliest_shown(allocations: list[dict[str, Any]]) -> str | None:
    """``earliest_needed_by`` of allocations as shown (ISO dates sort as days)."""
    return min((a["needed_by"] for a in allocations if a["needed_by"]), default=None)


class OrderLineOut(Schema):
    sku = fields.String()
    packs = fields.Integer()
    ordered_quantity = _amount()
    unit_price = _amount()
    line_total = _amount()
    surplus_quantity = _amount()
    declined = fields.Boolean(dump_default=False)  # rule 8: its needs went back to the pool
    received_quantity = fields.Decimal(as_string=True, dump_default=None)  # null until booked
    depot_quantity = fields.Decimal(as_string=True, dump_default=None)
    allocations = fields.List(fields.Nested(AllocationOut))
    # the earliest "benötigt bis" of its needs: what the supplier plans the line by
    needed_by = fields.Method(
        "_needed_by", metadata={"type": "string", "format": "date", "nullable": True}
    )

    def _needed_by(self, line: Any) -> str | None:
        earliest = earliest_needed_by(line.allocations)
        return None if earliest is None else earliest.isoformat()

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


class DepotAllocationOut(Schema):
    """Part of a need the depot served at the close (rule 11): from the lot of
    ``order_id``, at book value (``unit_price``), without fee."""

    need_id = fields.Integer()
    member_id = fields.Integer()
    sku = fields.String()
    order_id = fields.Integer()
    quantity = _amount()
    unit_price = fields.Decimal(as_string=True, attribute="book_value")
    goods = _amount()
    paid = _amount()


class DepotProductOut(Schema):
    """What the depot serves (or holds) of a product: quantity and book value."""

    sku = fields.String()
    quantity = _amount()
    value = _amount()


class ClosedPoolOut(Schema):
    window_id = fields.Integer()
    orders = fields.List(fields.Nested(OrderOut))
    depot_allocations = fields.List(fields.Nested(DepotAllocationOut))
    from_depot = fields.List(fields.Nested(DepotProductOut))
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
    # rule 8: the lines (by sku) the supplier cannot deliver
    declined = fields.List(
        fields.String(validate=Length(1, 40)),
        load_default=list,
        validate=Length(max=500),
    )

    @post_load
    def _as_set(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["declined"] = frozenset(data["declined"])
        return data


class RejectIn(Schema):
    reason = VisibleText(1000, lines=True, required=True)


class NonNegativeQuantity(BoundedDecimal):
    """A quantity that may be zero (nothing arrived): below 1,000,000, 3 decimal places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=3, minimum=Decimal(0), inclusive=True, **kwargs)


class ReceivedLineIn(Schema):
    sku = fields.String(required=True, validate=Length(1, 40))
    received_quantity = NonNegativeQuantity(required=True)


class ReceiptIn(Schema):
    """Rule 10: what arrived of every line; ``extra_to_depot`` names the lines whose
    over-delivery (more than ordered) the office takes into the depot."""

    lines = fields.List(fields.Nested(ReceivedLineIn), required=True, validate=Length(1, 500))
    extra_to_depot = fields.List(
        fields.String(validate=Length(1, 40)), load_default=list, validate=Length(max=500)
    )

    @validates_schema  # skipped when a field is refused already
    def _each_line_once(self, data: dict[str, Any], **_: Any) -> None:
        skus = [line["sku"] for line in data["lines"]]
        if len(set(skus)) != len(skus):
            raise ValidationError("Each line (sku) once.", "lines")


class ReceiptLineOut(Schema):
    sku = fields.String()
    received_quantity = _amount()
    extra_to_depot = fields.Boolean()


class ReceiptOut(Schema):
    """One booking of a receipt: revision 0 is the first, each correction the next."""

    revision = fields.Integer()
    booked_at = fields.AwareDateTime()
    lines = fields.List(fields.Nested(ReceiptLineOut))


class PreviewLineOut(Schema):
    sku = fields.String()
    ordered_quantity = _amount()
    received_quantity = _amount()
    unit_price = _amount()
    received_value = _amount()
    depot_quantity = _amount()
    depot_value = _amount()
    over_delivery = _amount()
    short = fields.Boolean()
    allocations = fields.List(fields.Nested(AllocationOut))


class ReceiptPreviewOut(Schema):
    """Rule 10's split of a receipt not (yet) booked: ``?dry_run=true``."""

    lines = fields.List(fields.Nested(PreviewLineOut))
    shipping_fee = _amount()
    total = _amount()
    short = fields.Boolean()


class LotOut(Schema):
    sku = fields.String()
    order_id = fields.Integer()
    received_on = fields.Date()
    quantity = _amount()
    unit_price = fields.Decimal(as_string=True, attribute="book_value")  # per unit
    book_value = fields.Decimal(as_string=True, attribute="value")  # the lot's value


class MovementOut(Schema):
    kind = fields.String()
    sku = fields.String()
    order_id = fields.Integer()
    on = fields.Date(data_key="booked_on")
    quantity = _amount()
    value = _amount()
    unit_price = fields.Decimal(as_string=True, attribute="book_value")
    need_id = fields.Integer(allow_none=True)
    reason = fields.String()


class DepotOut(Schema):
    lots = fields.List(fields.Nested(LotOut))
    movements = fields.List(fields.Nested(MovementOut))
    value = _amount()


class WriteOffIn(Schema):
    sku = fields.String(required=True, validate=Length(1, 40))
    order_id = fields.Integer(required=True, strict=True, validate=Range(1, 2**31 - 1))
    quantity = Quantity(required=True)
    reason = VisibleText(1000, lines=True, required=True)
