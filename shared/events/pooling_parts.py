"""The parts pooling's events are made of: progress per product, order lines with their
allocations, received lines, depot parts and each member's window result."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields

from shared.fields import DecimalText


def money() -> DecimalText:
    return DecimalText(required=True)


def optional_decimal(default: Decimal | None) -> DecimalText:
    return DecimalText(allow_none=default is None, load_default=default)


class OfferProgressSchema(Schema):
    supplier_id = fields.Integer(required=True)
    ordered_quantity = money()
    unit_price = money()
    next_tier = fields.Dict(allow_none=True, load_default=None)


class ProductProgressSchema(Schema):
    sku = fields.String(required=True)
    quantity = money()
    # how much more the product's flexible needs would take (``up_to``)
    flexible = optional_decimal(Decimal(0))
    offers = fields.List(fields.Nested(OfferProgressSchema), required=True)
    # rule 11: what the depot would serve of it at the close; the offers price the rest
    depot_quantity = optional_decimal(Decimal(0))


class AllocationSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    quantity = money()
    goods = money()
    shipping_share = money()
    paid = money()
    delivery_site = fields.String(allow_none=True, load_default=None)
    # the id the need was posted under, so that its story can be followed into the report
    correlation_id = fields.String(allow_none=True, load_default=None)
    # of ``quantity``, what the close added on the need's flexibility (``up_to``)
    extra_quantity = optional_decimal(Decimal(0))
    # the need's "benötigt bis" (events sent before it was kept carry none)
    needed_by = fields.Date(allow_none=True, load_default=None)


class OrderLineSchema(Schema):
    sku = fields.String(required=True)
    packs = fields.Integer(required=True)
    ordered_quantity = money()
    unit_price = money()
    line_total = money()
    surplus_quantity = money()
    allocations = fields.List(fields.Nested(AllocationSchema), required=True)


class MemberSavingsSchema(Schema):
    member_id = fields.Integer(required=True)
    baseline = money()
    paid = money()
    saved = money()
    # what the window's flexible needs saved the member on its own quantities
    flexibility_saved = optional_decimal(Decimal("0.00"))


class ReceivedAllocationSchema(AllocationSchema):
    """An allocation after the receipt: ``quantity`` is the need's, ``received`` what it
    got; goods, shipping share and paid are for what it got."""

    received = money()


class ReceivedLineSchema(Schema):
    sku = fields.String(required=True)
    ordered_quantity = money()
    received_quantity = money()
    unit_price = money()
    received_value = money()
    depot_quantity = money()
    allocations = fields.List(fields.Nested(ReceivedAllocationSchema), required=True)


class DepotAllocationSchema(Schema):
    """Part of a need the depot served at a close (rule 11): from the lot of ``order_id``
    (a supplier's earlier order), at its book value ``unit_price``, without fee.
    ``rest_quantity`` is what of the need the close pooled and ordered: 0 when the depot
    served it whole."""

    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    order_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    quantity = money()
    unit_price = money()
    goods = money()
    paid = money()
    rest_quantity = money()
    correlation_id = fields.String(allow_none=True, load_default=None)


class DepotProductSchema(Schema):
    sku = fields.String(required=True)
    quantity = money()
    value = money()
