"""What can be asked of the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

STANDARD_RATE = Decimal("19")  # rule 12: a product's VAT rate unless set


@dataclass(frozen=True)
class RegisterMember:
    """A new member; the invoice address and the SEPA mandate may follow later."""

    name: str
    trade: str
    email: str
    postcode: str
    language: str = "de"
    legal_name: str | None = None
    street: str | None = None
    city: str | None = None
    country: str = "DE"
    vat_id: str | None = None
    iban: str | None = None
    mandate_reference: str | None = None
    mandate_signed_on: date | None = None


@dataclass(frozen=True)
class RegisterSupplier:
    name: str
    email: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    delivery_channel: str = "email"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    skonto_percent: Decimal | None = None
    skonto_days: int | None = None
    net_days: int | None = None
    iban: str | None = None
    bic: str | None = None


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
    skonto_percent: Decimal | None = None
    skonto_days: int | None = None
    net_days: int | None = None
    iban: str | None = None
    bic: str | None = None


@dataclass(frozen=True)
class AddProduct:
    sku: str
    name: str
    unit: str
    vat_rate: Decimal = STANDARD_RATE


@dataclass(frozen=True)
class ChangeProduct:
    """A product's new name, unit and VAT rate (its SKU stays)."""

    sku: str
    name: str
    unit: str
    vat_rate: Decimal = STANDARD_RATE


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
    """Cancel a need; ``member_id``: the member asking (None: the office)."""

    need_id: int
    member_id: int | None = None


@dataclass(frozen=True)
class ChangeNeed:
    """Change an open need: ``changes`` holds only the fields sent (of ``CHANGEABLE``;
    None clears ``up_to``, ``needed_by``, ``delivery_site`` and ``note``);
    ``member_id``: the member asking (None: the office)."""

    need_id: int
    changes: Mapping[str, Any]
    member_id: int | None = None


CHANGEABLE = ("quantity", "up_to", "needed_by", "delivery_site", "note")


@dataclass(frozen=True)
class ChangeMember:
    """Replace what the catalog knows of a member (all of it, as ``RegisterMember``)."""

    member_id: int
    name: str
    trade: str
    email: str
    postcode: str
    language: str = "de"
    legal_name: str | None = None
    street: str | None = None
    city: str | None = None
    country: str = "DE"
    vat_id: str | None = None
    iban: str | None = None
    mandate_reference: str | None = None
    mandate_signed_on: date | None = None


MEMBER_FIELDS = tuple(name for name in RegisterMember.__dataclass_fields__)


@dataclass(frozen=True)
class RemoveMember:
    """Deactivate a member: no sign-in, no new needs, its open needs cancelled."""

    member_id: int


@dataclass(frozen=True)
class ReactivateMember:
    member_id: int


@dataclass(frozen=True)
class SetFlexibility:
    """A member's default flexibility in percent (None or 0: needs are strict)."""

    member_id: int
    flexible_percent: int | None


@dataclass(frozen=True)
class RemoveSupplier:
    """Deactivate a supplier: its offers are withdrawn from the pool, its sign-ins stop."""

    supplier_id: int


@dataclass(frozen=True)
class ReactivateSupplier:
    supplier_id: int


@dataclass(frozen=True)
class CreateUser:
    """A web sign-in: a member's office, a supplier's order desk or the office's admin."""

    email: str
    password: str
    role: str = "member"
    member_id: int | None = None
    language: str = "de"
    supplier_id: int | None = None


@dataclass(frozen=True)
class SetUserLanguage:
    user_id: int
    language: str


@dataclass(frozen=True)
class SetUserActive:
    """Deactivate a user (its sessions end at once) or make it active again."""

    user_id: int
    active: bool


@dataclass(frozen=True)
class SetPassword:
    """A user's new password (through a password-reset link); its sessions end."""

    user_id: int
    password: str


@dataclass(frozen=True)
class AskForReset:
    """Someone asks for a link to set a new password for ``email``, from ``address``;
    ``now``: when (None: the clock's now)."""

    email: str
    address: str
    now: datetime | None = None


@dataclass(frozen=True)
class CountTry:
    """A sign-in try (or a password-reset request) for ``email`` from ``address``, counted
    before its password is checked; ``now``: when (None: the clock's now)."""

    email: str
    address: str
    now: datetime | None = None


@dataclass(frozen=True)
class ForgetTries:
    """A successful sign-in: the tries for ``email`` from ``address`` are forgotten."""

    email: str
    address: str
    now: datetime | None = None


@dataclass(frozen=True)
class OpenSession:
    user_id: int
    now: datetime | None = None


@dataclass(frozen=True)
class CloseSession:
    session_id: str
