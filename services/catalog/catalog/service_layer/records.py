"""What the handlers read and change of the catalog's stored things: a member, a supplier,
a product, an offer, a need and a user as the repositories hand them out. A handler changes a
record by setting its attributes; the unit of work keeps the change (the database's
rows in production, plain objects in the unit tests' fakes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


class MemberRecord(Protocol):
    id: int
    name: str
    trade: str
    email: str
    postcode: str
    language: str
    active: bool
    legal_name: str | None
    street: str | None
    city: str | None
    country: str
    vat_id: str | None
    iban: str | None
    mandate_reference: str | None
    mandate_signed_on: date | None
    flexible_percent: int | None


class SupplierRecord(Protocol):
    id: int
    name: str
    email: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    delivery_channel: str
    webhook_url: str | None
    webhook_secret: str | None
    active: bool
    skonto_percent: Decimal | None
    skonto_days: int | None
    net_days: int | None
    iban: str | None
    bic: str | None


class ProductRecord(Protocol):
    id: int
    sku: str
    name: str
    unit: str
    vat_rate: Decimal


class TierRecord(Protocol):
    min_quantity: Decimal
    unit_price: Decimal


class OfferRecord(Protocol):
    supplier_id: int
    product: ProductRecord
    pack_size: Decimal
    valid_from: date | None
    tiers: Sequence[TierRecord]


class NeedRecord(Protocol):
    id: int
    member_id: int
    product: ProductRecord
    quantity: Decimal
    up_to: Decimal | None
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    status: str
    order_id: int | None
    received_quantity: Decimal | None
    depot_quantity: Decimal | None


class UserRecord(Protocol):
    id: int
    email: str
    password_hash: str
    role: str
    member_id: int | None
    supplier_id: int | None
    language: str
    created_at: datetime
    active: bool
