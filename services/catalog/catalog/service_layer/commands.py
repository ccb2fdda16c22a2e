"""What can be asked of the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RegisterMember:
    name: str
    trade: str
    email: str
    postcode: str
    language: str = "de"


@dataclass(frozen=True)
class RegisterSupplier:
    name: str
    email: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    delivery_channel: str = "email"
    webhook_url: str | None = None
    webhook_secret: str | None = None


@dataclass(frozen=True)
class UpdateSupplier:
    """Replace a supplier's terms and the way its orders reach it; a webhook secret left
    out keeps the one stored."""

    supplier_id: int
    name: str
    email: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    delivery_channel: str = "email"
    webhook_url: str | None = None
    webhook_secret: str | None = None


@dataclass(frozen=True)
class AddProduct:
    sku: str
    name: str
    unit: str


@dataclass(frozen=True)
class SetOffer:
    supplier_id: int
    sku: str
    pack_size: Decimal
    tiers: tuple[tuple[Decimal, Decimal], ...]
    valid_from: date | None = None  # None: from the next pool window


@dataclass(frozen=True)
class PostNeed:
    """Post a need; with an ``idempotency_key`` the same post sent again finds the need
    the first one made (per member) instead of making another."""

    member_id: int
    sku: str
    quantity: Decimal
    needed_by: date | None = None
    delivery_site: str | None = None
    note: str | None = None
    idempotency_key: str | None = None
    up_to: Decimal | None = None  # flexible: up to this much (at least ``quantity``)


@dataclass(frozen=True)
class CancelNeed:
    need_id: int


@dataclass(frozen=True)
class ChangeMember:
    member_id: int
    name: str
    trade: str
    email: str
    postcode: str
    language: str = "de"
