"""The events catalog produces: members, products, offers, suppliers, needs and the
ops watch's alerts, each a typed event paired with the schema of its payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from shared.events.envelope import Event
from shared.fields import DecimalText, Price, Quantity, VatRate

LANGUAGES = ("de", "en")
CHANNELS = ("email", "webhook", "amqp")


class TierSchema(Schema):
    min_quantity = DecimalText(required=True)
    unit_price = Price(required=True)


class MemberRegisteredSchema(Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    trade = fields.String(required=True)
    email = fields.String(required=True)
    postcode = fields.String(required=True)
    language = fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))
    active = fields.Boolean(load_default=True)
    legal_name = fields.String(allow_none=True, load_default=None)
    street = fields.String(allow_none=True, load_default=None)
    city = fields.String(allow_none=True, load_default=None)
    country = fields.String(load_default="DE", validate=validate.Length(equal=2))
    vat_id = fields.String(allow_none=True, load_default=None)
    iban = fields.String(allow_none=True, load_default=None)
    mandate_reference = fields.String(allow_none=True, load_default=None)
    mandate_signed_on = fields.Date(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class MemberRegistered(Event):
    """A new or changed member: what notify needs to write to it (address and language).

    Sent again whenever the office changes the member; ``active`` is false once the
    member is deactivated (it can no longer sign in or post needs). What the member's
    invoice needs (rule 13): events sent before these existed carry none of them, the
    name stands for the legal name, the country is Germany. The SEPA direct-debit
    mandate a settlement collects by (rule 15), once there is one.
    """

    event_type: ClassVar[str] = "catalog.member.registered"
    schema: ClassVar[type[Schema]] = MemberRegisteredSchema
    member_id: int
    name: str
    trade: str
    email: str
    postcode: str
    language: str = "de"
    active: bool = True
    legal_name: str | None = None
    street: str | None = None
    city: str | None = None
    country: str = "DE"
    vat_id: str | None = None
    iban: str | None = None
    mandate_reference: str | None = None
    mandate_signed_on: date | None = None


class ProductUpdatedSchema(Schema):
    sku = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    vat_rate = VatRate(load_default=Decimal("19"))


@dataclass(frozen=True, kw_only=True)
class ProductUpdated(Event):
    """A new or changed product; its VAT rate (rule 12) is a percentage, 19 unless set."""

    event_type: ClassVar[str] = "catalog.product.updated"
    schema: ClassVar[type[Schema]] = ProductUpdatedSchema
    sku: str
    name: str
    unit: str
    vat_rate: Decimal = Decimal("19")


class NeedPostedSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    quantity = Quantity(required=True)
    needed_by = fields.Date(allow_none=True, load_default=None)
    delivery_site = fields.String(allow_none=True, load_default=None)
    posted_at = fields.AwareDateTime(required=True)
    up_to = Quantity(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class NeedPosted(Event):
    """A member's need; flexible when ``up_to`` is set: the member would also take up
    to that much (at least ``quantity``)."""

    event_type: ClassVar[str] = "catalog.need.posted"
    schema: ClassVar[type[Schema]] = NeedPostedSchema
    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    posted_at: datetime
    needed_by: date | None = None
    delivery_site: str | None = None
    up_to: Decimal | None = None


class NeedRefSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)


@dataclass(frozen=True, kw_only=True)
class NeedCancelled(Event):
    """A member asked to cancel an open need. Pooling owns the close, so pooling decides
    whether the request came in time and answers with ``pooling.need.withdrawn`` (or,
    when a close took the need first, with the ``pooling.order.placed`` that holds it)."""

    event_type: ClassVar[str] = "catalog.need.cancelled"
    schema: ClassVar[type[Schema]] = NeedRefSchema
    need_id: int
    member_id: int
    sku: str


class NeedChangedSchema(Schema):
    need_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    quantity = Quantity(required=True)
    up_to = Quantity(allow_none=True, load_default=None)
    needed_by = fields.Date(allow_none=True, load_default=None)
    delivery_site = fields.String(allow_none=True, load_default=None)
    changed_at = fields.AwareDateTime(required=True)


@dataclass(frozen=True, kw_only=True)
class NeedChanged(Event):
    """A member changed an open need before the cutoff: its quantity, flexibility
    (``up_to``), day or site as they are now. Pooling takes them while the need is open
    in the pool; a close that took the need first keeps what it ordered."""

    event_type: ClassVar[str] = "catalog.need.changed"
    schema: ClassVar[type[Schema]] = NeedChangedSchema
    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    changed_at: datetime
    up_to: Decimal | None = None
    needed_by: date | None = None
    delivery_site: str | None = None


class OfferUpdatedSchema(Schema):
    supplier_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    product_name = fields.String(required=True)
    unit = fields.String(required=True)
    pack_size = Quantity(required=True)
    tiers = fields.List(fields.Nested(TierSchema), required=True, validate=validate.Length(min=1))
    active = fields.Boolean(load_default=True)
    vat_rate = VatRate(load_default=Decimal("19"))
    valid_from = fields.Date(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class OfferUpdated(Event):
    """A supplier's offer of a product: pack size and tiers (``TierSchema``). It takes
    effect in windows whose first need comes on or after ``valid_from`` (and after the
    announcement); None: from the next window."""

    event_type: ClassVar[str] = "catalog.offer.updated"
    schema: ClassVar[type[Schema]] = OfferUpdatedSchema
    supplier_id: int
    sku: str
    product_name: str
    unit: str
    pack_size: Decimal
    tiers: list[dict[str, Any]]
    active: bool = True
    vat_rate: Decimal = Decimal("19")
    valid_from: date | None = None


class SupplierUpdatedSchema(Schema):
    supplier_id = fields.Integer(required=True)
    name = fields.String(required=True)
    shipping_fee = DecimalText(required=True)
    free_shipping_from = DecimalText(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    delivery_channel = fields.String(load_default="email", validate=validate.OneOf(CHANNELS))
    webhook_url = fields.String(allow_none=True, load_default=None)
    webhook_secret = fields.String(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)
    skonto_percent = DecimalText(allow_none=True, load_default=None)
    skonto_days = fields.Integer(allow_none=True, load_default=None)
    net_days = fields.Integer(allow_none=True, load_default=None)
    iban = fields.String(allow_none=True, load_default=None)
    bic = fields.String(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class SupplierUpdated(Event):
    """A supplier's terms, and how its orders reach it: by e-mail (the default for events
    without the field), a signed webhook (URL and secret) or its own AMQP queue; a
    deactivated one (``active`` false) has its offers withdrawn by ``catalog.offer.updated``
    events with ``active`` false. Payment terms: Skonto percent within days, else net
    days, and the bank account."""

    event_type: ClassVar[str] = "catalog.supplier.updated"
    schema: ClassVar[type[Schema]] = SupplierUpdatedSchema
    supplier_id: int
    name: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None = None
    email: str | None = None
    delivery_channel: str = "email"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    active: bool = True
    skonto_percent: Decimal | None = None
    skonto_days: int | None = None
    net_days: int | None = None
    iban: str | None = None
    bic: str | None = None


class OpsAlertSchema(Schema):
    alert_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    message = fields.String(required=True)
    raised_at = fields.AwareDateTime(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class OpsAlert(Event):
    """An alert of the ops watch, raised or resolved (the event type says which); the
    admins are written to once for each."""

    schema: ClassVar[type[Schema]] = OpsAlertSchema
    alert_id: int
    kind: str
    subject: str
    message: str
    raised_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class OpsAlertRaised(OpsAlert):
    event_type: ClassVar[str] = "catalog.ops.alert.raised"


@dataclass(frozen=True, kw_only=True)
class OpsAlertResolved(OpsAlert):
    event_type: ClassVar[str] = "catalog.ops.alert.resolved"


class PasswordResetRequestedSchema(Schema):
    user_id = fields.Integer(required=True)
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))
    minutes = fields.Integer(required=True, validate=validate.Range(min=1))


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(Event):
    """An active user asked for a link to set a new password (within the limit of links
    asked for): notify writes the e-mail with the link, in the user's language. ``token``
    is the link's secret (the web's ``/password/reset/<token>``), good for ``minutes``."""

    event_type: ClassVar[str] = "catalog.password_reset.requested"
    schema: ClassVar[type[Schema]] = PasswordResetRequestedSchema
    secret: ClassVar[tuple[str, ...]] = ("token",)  # a dead letter shows it hidden
    user_id: int
    email: str
    language: str
    token: str
    minutes: int
