"""Catalog's answers as the pages read them: dataclasses with Decimal money and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@dataclass(frozen=True)
class Member:
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

    @classmethod
    def read(cls, body: dict[str, Any]) -> Member:
        texts = ("legal_name", "street", "city", "vat_id", "iban", "mandate_reference")
        return cls(
            id=body["id"],
            name=body["name"],
            trade=body["trade"],
            email=body["email"],
            postcode=body["postcode"],
            language=body["language"],
            active=bool(body["active"]),
            country=body["country"],
            mandate_signed_on=_day(body.get("mandate_signed_on")),
            flexible_percent=body.get("flexible_percent"),
            **{name: body.get(name) for name in texts},
        )


@dataclass(frozen=True)
class Supplier:
    """A supplier; the delivery channel and terms only as the office sees them."""

    id: int
    name: str
    email: str
    active: bool
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    delivery_channel: str | None
    webhook_url: str | None
    webhook_secret_hint: str | None
    skonto_percent: Decimal | None
    skonto_days: int | None
    net_days: int | None
    iban: str | None
    bic: str | None

    @classmethod
    def read(cls, body: dict[str, Any]) -> Supplier:
        return cls(
            id=body["id"],
            name=body["name"],
            email=body["email"],
            active=bool(body.get("active", True)),
            shipping_fee=Decimal(body["shipping_fee"]),
            free_shipping_from=_decimal(body.get("free_shipping_from")),
            delivery_channel=body.get("delivery_channel"),
            webhook_url=body.get("webhook_url"),
            webhook_secret_hint=body.get("webhook_secret_hint"),
            skonto_percent=_decimal(body.get("skonto_percent")),
            skonto_days=body.get("skonto_days"),
            net_days=body.get("net_days"),
            iban=body.get("iban"),
            bic=body.get("bic"),
        )


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    unit: str
    vat_rate: Decimal

    @classmethod
    def read(cls, body: dict[str, Any]) -> Product:
        return cls(body["sku"], body["name"], body["unit"], Decimal(body["vat_rate"]))


@dataclass(frozen=True)
class Offer:
    supplier_id: int
    sku: str
    pack_size: Decimal
    tiers: tuple[tuple[Decimal, Decimal], ...]  # (from quantity, unit price)
    valid_from: date | None

    @classmethod
    def read(cls, body: dict[str, Any]) -> Offer:
        tiers = tuple((Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in body["tiers"])
        return cls(
            body["supplier_id"],
            body["sku"],
            Decimal(body["pack_size"]),
            tiers,
            _day(body.get("valid_from")),
        )


@dataclass(frozen=True)
class Need:
    id: int
    member_id: int
    sku: str
    product_name: str
    unit: str
    quantity: Decimal
    up_to: Decimal | None
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    status: str
    order_id: int | None
    received_quantity: Decimal | None
    depot_quantity: Decimal | None
    created_at: datetime

    @classmethod
    def read(cls, body: dict[str, Any]) -> Need:
        return cls(
            id=body["id"],
            member_id=body["member_id"],
            sku=body["sku"],
            product_name=body["product_name"],
            unit=body["unit"],
            quantity=Decimal(body["quantity"]),
            up_to=_decimal(body.get("up_to")),
            needed_by=_day(body.get("needed_by")),
            delivery_site=body.get("delivery_site"),
            note=body.get("note"),
            status=body["status"],
            order_id=body.get("order_id"),
            received_quantity=_decimal(body.get("received_quantity")),
            depot_quantity=_decimal(body.get("depot_quantity")),
            created_at=datetime.fromisoformat(body["created_at"]),
        )


@dataclass(frozen=True)
class PriceListSummary:
    supplier_id: int
    rows: int
    offers_set: int
    products_created: tuple[str, ...]  # the SKUs the list added to the catalog
    valid_from: tuple[date, ...]

    @classmethod
    def read(cls, body: dict[str, Any]) -> PriceListSummary:
        return cls(
            body["supplier_id"],
            body["rows"],
            body["offers_set"],
            tuple(body["created_skus"]),
            tuple(date.fromisoformat(day) for day in body["valid_from"]),
        )


@dataclass(frozen=True)
class RowProblem:
    """One problem of a refused price list; ``template`` and ``values`` to translate it."""

    row: int | None
    column: str | None
    message: str
    template: str
    values: dict[str, Any]

    @classmethod
    def read(cls, body: dict[str, Any], template: dict[str, Any]) -> RowProblem:
        message = body["message"]
        return cls(
            body.get("row"),
            body.get("column"),
            message,
            template.get("template", message),
            dict(template.get("values") or {}),
        )


class PriceListRefused(Exception):
    """Nothing of the price list was stored: its problems, and how many there were."""

    def __init__(self, message: str, problems: tuple[RowProblem, ...], count: int) -> None:
        super().__init__(message)
        self.problems = problems
        self.count = count
