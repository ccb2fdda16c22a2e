"""The events pooling produces: a cancellation's and a change's verdict, the pool's progress, orders
placed, confirmed, rejected and received, and the depot's part of a close."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, fields

from shared.events.catalog import NeedRefSchema
from shared.events.envelope import Event
from shared.events.pooling_parts import (
    DepotAllocationSchema,
    DepotProductSchema,
    MemberSavingsSchema,
    OrderLineSchema,
    ProductProgressSchema,
    ReceivedLineSchema,
    money,
)
from shared.fields import DecimalText

Parts = list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class NeedWithdrawn(Event):
    """Pooling's verdict on a cancellation: the need is out of the pool for good and will
    never be ordered (also a need whose post had not reached pooling yet). Sent again
    for a cancellation pooling had granted before."""

    event_type: ClassVar[str] = "pooling.need.withdrawn"
    schema: ClassVar[type[Schema]] = NeedRefSchema
    need_id: int
    member_id: int
    sku: str


class NeedChangeRefusedSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    quantity = DecimalText(required=True)
    up_to = DecimalText(allow_none=True, load_default=None)
    delivery_site = fields.String(allow_none=True, load_default=None)
    needed_by = fields.Date(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class NeedChangeRefused(Event):
    """Pooling's verdict on a change (``catalog.need.changed``) that came after a close
    had taken the need: it stays as the pool ordered it, with this quantity, ``up_to``,
    site and "benötigt bis" (``needed_by``)."""

    event_type: ClassVar[str] = "pooling.need.change_refused"
    schema: ClassVar[type[Schema]] = NeedChangeRefusedSchema
    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    up_to: Decimal | None = None
    delivery_site: str | None = None
    needed_by: date | None = None


class PoolProgressedSchema(Schema):
    window_id = fields.Integer(required=True)
    products = fields.List(fields.Nested(ProductProgressSchema), required=True)


@dataclass(frozen=True, kw_only=True)
class PoolProgressed(Event):
    """The open window's demand per product and offer (``ProductProgressSchema``)."""

    event_type: ClassVar[str] = "pooling.pool.progressed"
    schema: ClassVar[type[Schema]] = PoolProgressedSchema
    window_id: int
    products: Parts


class OrderPlacedSchema(Schema):
    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    shipping_fee = money()
    total = money()
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    """A supplier's order of a close: lines with their allocations per need
    (``OrderLineSchema``) and each member's window result (``MemberSavingsSchema``)."""

    event_type: ClassVar[str] = "pooling.order.placed"
    schema: ClassVar[type[Schema]] = OrderPlacedSchema
    order_id: int
    window_id: int
    supplier_id: int
    lines: Parts
    shipping_fee: Decimal
    total: Decimal
    member_savings: Parts


class OrderConfirmedSchema(Schema):
    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    need_ids = fields.List(fields.Integer(), required=True)
    expected_delivery = fields.Date(allow_none=True, load_default=None)
    declined = fields.List(fields.String(), load_default=list)
    returned_needs = fields.List(fields.Nested(NeedRefSchema), load_default=list)
    lines = fields.List(fields.Nested(OrderLineSchema), allow_none=True, load_default=None)
    shipping_fee = DecimalText(allow_none=True, load_default=None)
    total = DecimalText(allow_none=True, load_default=None)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), load_default=list)


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(Event):
    """The supplier confirmed the order (rule 8). ``need_ids`` are the needs it holds now;
    the needs of the ``declined`` lines went back to the pool (``returned_needs``). The
    fee was recomputed on the confirmed lines: ``lines`` and ``shipping_fee``/``total``
    are the order as confirmed, ``member_savings`` each affected member's window result
    recomputed (it replaces the earlier one). Events of before the per-line confirmation
    carry none of these and read as a whole order confirmed."""

    event_type: ClassVar[str] = "pooling.order.confirmed"
    schema: ClassVar[type[Schema]] = OrderConfirmedSchema
    order_id: int
    window_id: int
    supplier_id: int
    need_ids: list[int]
    expected_delivery: date | None = None
    declined: list[str] = field(default_factory=list)
    returned_needs: Parts = field(default_factory=list)
    lines: Parts | None = None
    shipping_fee: Decimal | None = None
    total: Decimal | None = None
    member_savings: Parts = field(default_factory=list)


class OrderRejectedSchema(Schema):
    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    need_ids = fields.List(fields.Integer(), required=True)
    reason = fields.String(required=True)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


@dataclass(frozen=True, kw_only=True)
class OrderRejected(Event):
    """The order's needs went back into the pool; ``member_savings`` is each affected
    member's window result recomputed without them (it replaces the earlier one)."""

    event_type: ClassVar[str] = "pooling.order.rejected"
    schema: ClassVar[type[Schema]] = OrderRejectedSchema
    order_id: int
    window_id: int
    supplier_id: int
    need_ids: list[int]
    reason: str
    member_savings: Parts


class OrderReceivedSchema(Schema):
    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    short = fields.Boolean(required=True)
    lines = fields.List(fields.Nested(ReceivedLineSchema), required=True)
    shipping_fee = money()
    total = money()
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


@dataclass(frozen=True, kw_only=True)
class OrderReceived(Event):
    """What arrived of a confirmed order (rule 10), booked by the office; sent again with
    a higher ``revision`` for each correction, whose figures replace the earlier ones.
    ``member_savings``: each member's window result on the received quantities."""

    event_type: ClassVar[str] = "pooling.order.received"
    schema: ClassVar[type[Schema]] = OrderReceivedSchema
    order_id: int
    window_id: int
    supplier_id: int
    revision: int
    short: bool
    lines: Parts
    shipping_fee: Decimal
    total: Decimal
    member_savings: Parts


class DepotServedSchema(Schema):
    window_id = fields.Integer(required=True)
    allocations = fields.List(fields.Nested(DepotAllocationSchema), required=True)
    products = fields.List(fields.Nested(DepotProductSchema), required=True)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


@dataclass(frozen=True, kw_only=True)
class DepotServed(Event):
    """A close served needs from the depot first (rule 11): each part, the totals per
    product, and each served member's window result (the same figures as in the
    window's ``pooling.order.placed`` events, depot part included)."""

    event_type: ClassVar[str] = "pooling.depot.served"
    schema: ClassVar[type[Schema]] = DepotServedSchema
    window_id: int
    allocations: Parts
    products: Parts
    member_savings: Parts
