"""The event contracts: one marshmallow schema per event, defined here once.

An event travels as JSON: an envelope (``event_id``, ``event_type``,
``version``, ``occurred_at``, ``producer``, ``correlation_id``) around its
``payload``. Its routing key is ``<event_type>.v<version>``, and the event
type starts with its producer (``catalog.need.posted``).
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.fields import Price, Quantity, VatRate


def _money() -> fields.Decimal:
    return fields.Decimal(required=True, as_string=True)


class TierSchema(Schema):
    min_quantity = fields.Decimal(required=True, as_string=True)
    unit_price = Price(required=True)


class MemberRegistered(Schema):
    """A new or changed member: what notify needs to write to it (address and language).

    Sent again whenever the office changes the member; ``active`` is false once the
    member is deactivated (it can no longer sign in or post needs).
    """

    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    trade = fields.String(required=True)
    email = fields.String(required=True)
    postcode = fields.String(required=True)
    language = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))
    active = fields.Boolean(load_default=True)
    # What the member's invoice needs (rule 13); events sent before these existed
    # carry none of them: the name stands for the legal name, the country is Germany.
    legal_name = fields.String(allow_none=True, load_default=None)
    street = fields.String(allow_none=True, load_default=None)
    city = fields.String(allow_none=True, load_default=None)
    country = fields.String(load_default="DE", validate=validate.Length(equal=2))
    vat_id = fields.String(allow_none=True, load_default=None)
    # The SEPA direct-debit mandate a settlement collects by (rule 15), once there is one.
    iban = fields.String(allow_none=True, load_default=None)
    mandate_reference = fields.String(allow_none=True, load_default=None)
    mandate_signed_on = fields.Date(allow_none=True, load_default=None)


class ProductUpdated(Schema):
    """A new or changed product; its VAT rate (rule 12) is a percentage, 19 unless set."""

    sku = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    vat_rate = VatRate(load_default=Decimal("19"))


class NeedPosted(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    quantity = Quantity(required=True)
    needed_by = fields.Date(allow_none=True, load_default=None)
    delivery_site = fields.String(allow_none=True, load_default=None)
    posted_at = fields.AwareDateTime(required=True)


class NeedCancelled(Schema):
    """A member asked to cancel an open need. Pooling owns the close, so pooling decides
    whether the request came in time and answers with ``pooling.need.withdrawn`` (or,
    when a close took the need first, with the ``pooling.order.placed`` that holds it)."""

    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)


class NeedWithdrawn(Schema):
    """Pooling's verdict on a cancellation: the need is out of the pool for good and will
    never be ordered (also a need whose post had not reached pooling yet). Sent again
    for a cancellation pooling had granted before."""

    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)


class OfferUpdated(Schema):
    supplier_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    product_name = fields.String(required=True)
    unit = fields.String(required=True)
    pack_size = Quantity(required=True)
    tiers = fields.List(fields.Nested(TierSchema), required=True, validate=validate.Length(min=1))
    active = fields.Boolean(load_default=True)
    vat_rate = VatRate(load_default=Decimal("19"))
    # Takes effect in windows whose first need comes on or after this day (and after
    # the announcement); None: from the next window.
    valid_from = fields.Date(allow_none=True, load_default=None)


class SupplierUpdated(Schema):
    """A supplier's terms, and how its orders reach it: by e-mail (the default for events
    without the field), a signed webhook (URL and secret) or its own AMQP queue; a
    deactivated one (``active`` false) has its offers withdrawn by ``catalog.offer.updated``
    events with ``active`` false."""

    supplier_id = fields.Integer(required=True)
    name = fields.String(required=True)
    shipping_fee = _money()
    free_shipping_from = fields.Decimal(as_string=True, allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    delivery_channel = fields.String(
        load_default="email", validate=validate.OneOf(("email", "webhook", "amqp"))
    )
    webhook_url = fields.String(allow_none=True, load_default=None)
    webhook_secret = fields.String(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)


class OfferProgress(Schema):
    supplier_id = fields.Integer(required=True)
    ordered_quantity = _money()
    unit_price = _money()
    next_tier = fields.Dict(allow_none=True, load_default=None)


class ProductProgress(Schema):
    sku = fields.String(required=True)
    quantity = _money()
    offers = fields.List(fields.Nested(OfferProgress), required=True)
    # rule 11: what the depot would serve of it at the close; the offers price the rest
    depot_quantity = fields.Decimal(as_string=True, load_default=Decimal(0))


class PoolProgressed(Schema):
    window_id = fields.Integer(required=True)
    products = fields.List(fields.Nested(ProductProgress), required=True)


class AllocationSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    quantity = _money()
    goods = _money()
    shipping_share = _money()
    paid = _money()
    delivery_site = fields.String(allow_none=True, load_default=None)
    # the id the need was posted under, so that its story can be followed into the report
    correlation_id = fields.String(allow_none=True, load_default=None)


class OrderLineSchema(Schema):
    sku = fields.String(required=True)
    packs = fields.Integer(required=True)
    ordered_quantity = _money()
    unit_price = _money()
    line_total = _money()
    surplus_quantity = _money()
    allocations = fields.List(fields.Nested(AllocationSchema), required=True)


class MemberSavingsSchema(Schema):
    member_id = fields.Integer(required=True)
    baseline = _money()
    paid = _money()
    saved = _money()


class OrderPlaced(Schema):
    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    shipping_fee = _money()
    total = _money()
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


class OrderConfirmed(Schema):
    """The supplier confirmed the order (rule 8). ``need_ids`` are the needs it holds now;
    the needs of the ``declined`` lines went back to the pool (``returned_needs``). The
    fee was recomputed on the confirmed lines: ``lines`` and ``shipping_fee``/``total``
    are the order as confirmed, ``member_savings`` each affected member's window result
    recomputed (it replaces the earlier one). Events of before the per-line confirmation
    carry none of these and read as a whole order confirmed."""

    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    need_ids = fields.List(fields.Integer(), required=True)
    expected_delivery = fields.Date(allow_none=True, load_default=None)
    declined = fields.List(fields.String(), load_default=list)
    returned_needs = fields.List(fields.Nested(NeedWithdrawn), load_default=list)
    lines = fields.List(fields.Nested(OrderLineSchema), allow_none=True, load_default=None)
    shipping_fee = fields.Decimal(as_string=True, allow_none=True, load_default=None)
    total = fields.Decimal(as_string=True, allow_none=True, load_default=None)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), load_default=list)


class ReceivedAllocationSchema(AllocationSchema):
    """An allocation after the receipt: ``quantity`` is the need's, ``received`` what it
    got; goods, shipping share and paid are for what it got."""

    received = _money()


class ReceivedLineSchema(Schema):
    sku = fields.String(required=True)
    ordered_quantity = _money()
    received_quantity = _money()
    unit_price = _money()
    received_value = _money()
    depot_quantity = _money()
    allocations = fields.List(fields.Nested(ReceivedAllocationSchema), required=True)


class OrderReceived(Schema):
    """What arrived of a confirmed order (rule 10), booked by the office; sent again with
    a higher ``revision`` for each correction, whose figures replace the earlier ones.
    ``member_savings``: each member's window result on the received quantities."""

    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    short = fields.Boolean(required=True)
    lines = fields.List(fields.Nested(ReceivedLineSchema), required=True)
    shipping_fee = _money()
    total = _money()
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


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
    quantity = _money()
    unit_price = _money()
    goods = _money()
    paid = _money()
    rest_quantity = _money()
    correlation_id = fields.String(allow_none=True, load_default=None)


class DepotProductSchema(Schema):
    sku = fields.String(required=True)
    quantity = _money()
    value = _money()


class DepotServed(Schema):
    """A close served needs from the depot first (rule 11): each part, the totals per
    product, and each served member's window result (the same figures as in the
    window's ``pooling.order.placed`` events, depot part included)."""

    window_id = fields.Integer(required=True)
    allocations = fields.List(fields.Nested(DepotAllocationSchema), required=True)
    products = fields.List(fields.Nested(DepotProductSchema), required=True)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


class OrderRejected(Schema):
    """The order's needs went back into the pool; ``member_savings`` is each affected
    member's window result recomputed without them (it replaces the earlier one)."""

    order_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    need_ids = fields.List(fields.Integer(), required=True)
    reason = fields.String(required=True)
    member_savings = fields.List(fields.Nested(MemberSavingsSchema), required=True)


class SavingsReported(Schema):
    member_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    baseline = _money()
    paid = _money()
    saved = _money()


class InvoiceIssued(Schema):
    """A member's invoice or credit note (rule 13), issued and numbered; its documents are
    at billing's ``/api/v1/invoices/{invoice_id}/document.pdf`` and ``.xml``."""

    invoice_id = fields.Integer(required=True)
    number = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(("invoice", "credit_note")))
    member_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    issued_on = fields.Date(required=True)
    net_total = _money()
    vat_total = _money()
    gross_total = _money()
    language = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))


class OpsAlert(Schema):
    """An alert of the ops watch, raised or resolved (the event type says which); the
    admins are written to once for each."""

    alert_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    message = fields.String(required=True)
    raised_at = fields.AwareDateTime(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, load_default=None)


PAYLOADS: dict[tuple[str, int], type[Schema]] = {
    ("catalog.member.registered", 1): MemberRegistered,
    ("catalog.need.posted", 1): NeedPosted,
    ("catalog.need.cancelled", 1): NeedCancelled,
    ("catalog.offer.updated", 1): OfferUpdated,
    ("catalog.product.updated", 1): ProductUpdated,
    ("catalog.supplier.updated", 1): SupplierUpdated,
    ("catalog.ops.alert.raised", 1): OpsAlert,
    ("catalog.ops.alert.resolved", 1): OpsAlert,
    ("pooling.need.withdrawn", 1): NeedWithdrawn,
    ("pooling.pool.progressed", 1): PoolProgressed,
    ("pooling.order.placed", 1): OrderPlaced,
    ("pooling.order.confirmed", 1): OrderConfirmed,
    ("pooling.order.rejected", 1): OrderRejected,
    ("pooling.order.received", 1): OrderReceived,
    ("pooling.depot.served", 1): DepotServed,
    ("notify.savings.reported", 1): SavingsReported,
    ("billing.invoice.issued", 1): InvoiceIssued,
}


@dataclass(frozen=True)
class Event:
    event_type: str
    payload: dict[str, Any]
    version: int = 1
    correlation_id: str = ""
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def producer(self) -> str:
        return self.event_type.split(".", 1)[0]

    @property
    def routing_key(self) -> str:
        return f"{self.event_type}.v{self.version}"


class EnvelopeSchema(Schema):
    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True)
    version = fields.Integer(required=True, strict=True)
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True)
    payload = fields.Dict(required=True)

    @validates_schema
    def _known_type(self, data: dict[str, Any], **_: Any) -> None:
        key = (data["event_type"], data["version"])
        if key not in PAYLOADS:
            raise ValidationError(f"unknown event {key[0]} v{key[1]}", "event_type")
        if data["producer"] != data["event_type"].split(".", 1)[0]:
            raise ValidationError("producer does not match the event type", "producer")


_ENVELOPE = EnvelopeSchema()


def dump(event: Event) -> dict[str, Any]:
    """The event as JSON-ready data: decimals as strings, dates in ISO 8601.

    Producers build payloads in the shape of their schema; the consumer's ``load``
    refuses anything else, and the tests load every event the services write. A
    close writes tens of thousands of allocations, so nothing is validated twice here.
    """
    return _envelope(event, _plain(event.payload))


def dumps(event: Event) -> str:
    """``json.dumps(dump(event))`` in one pass: the encoder turns decimals and dates
    into text where it meets them, without a copy of the payload first."""
    return json.dumps(_envelope(event, event.payload), default=_text)


def _envelope(event: Event, payload: Any) -> dict[str, Any]:
    if (event.event_type, event.version) not in PAYLOADS:
        raise ValueError(f"unknown event {event.event_type} v{event.version}")
    return {
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "version": event.version,
        "occurred_at": event.occurred_at.isoformat(),
        "producer": event.producer,
        "correlation_id": event.correlation_id,
        "payload": payload,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | date):
        return _text(value)
    return value


def _text(value: Any) -> str:
    """A decimal or a date (or datetime) as the events carry it; nothing else."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@functools.cache
def _payload_schema(event_type: str, version: int) -> Schema:
    """One schema instance per event type, made once: loading with it is safe to repeat."""
    return PAYLOADS[(event_type, version)]()


def load(data: Any) -> Event:
    """Validate a received event; raises ``ValidationError`` for anything off-contract."""
    if not isinstance(data, dict):
        raise ValidationError("an event is a JSON object")
    envelope = _ENVELOPE.load(data)
    schema = _payload_schema(envelope["event_type"], envelope["version"])
    try:
        payload = schema.load(envelope["payload"])
    except ValidationError as exc:
        raise ValidationError({"payload": exc.messages}) from exc
    return Event(
        event_type=envelope["event_type"],
        version=envelope["version"],
        payload=payload,
        correlation_id=envelope["correlation_id"],
        event_id=envelope["event_id"],
        occurred_at=envelope["occurred_at"],
    )
