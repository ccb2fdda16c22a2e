"""Beside the need form: the chosen product's pack sizes, tiers and pooled price now, and
what the need being written would change (pooling's ``/pools/current/quote``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from flask import request
from flask_login import current_user

from catalog.domain.search import fold
from web.pages.callers import product_names, supplier_names
from web.pages.forms import NeedForm, _plain_decimal
from web.pages.remote import fetch_answer

MOST = Decimal(1_000_000)


@dataclass(frozen=True)
class OfferQuote:
    supplier: str
    pack_size: Decimal
    tiers: tuple[tuple[Decimal, Decimal], ...]
    now: dict[str, Any]  # the offer's progress now (pooling's figures)
    with_need: dict[str, Any] | None  # and with the need
    goods: Decimal | None  # the need's quantity at that price

    @property
    def price_falls(self) -> bool:
        return self.with_need is not None and Decimal(self.with_need["unit_price"]) < Decimal(
            self.now["unit_price"]
        )


@dataclass(frozen=True)
class NeedQuote:
    sku: str
    name: str
    unit: str
    pooled: Decimal
    quantity: Decimal | None
    offers: tuple[OfferQuote, ...] = ()
    reason: str | None = None  # "unavailable" or "unoffered": why there are no offers


def quote_for_form(form: NeedForm, products: list[tuple[str, str, str]]) -> NeedQuote | None:
    """The quote of the product the form names (or ``?sku=``), for its quantity if valid."""
    typed = form.sku.data or request.args.get("sku") or ""
    return quote_for(typed, form.quantity.data or "", products)


def quote_for(typed: str, quantity: str, products: list[tuple[str, str, str]]) -> NeedQuote | None:
    """The quote of the product ``typed`` names (its SKU or name), None for no product."""
    by_name = {fold(name): sku for sku, name, _unit in products}
    sku = by_name.get(fold(typed.strip()), typed.strip())
    if not sku or sku not in {known for known, _name, _unit in products}:
        return None
    return need_quote(sku, _quantity(quantity))


def need_quote(sku: str, quantity: Decimal | None) -> NeedQuote:
    query = {"sku": sku} | ({} if quantity is None else {"quantity": str(quantity)})
    answer = fetch_answer(
        "pooling", f"/pools/current/quote?{urlencode(query)}", "member", current_user.member_id
    )
    name, unit = product_names([sku]).get(sku, (sku, ""))
    if answer is None or answer[0] != 200:
        reason = "unoffered" if answer is not None and answer[0] == 404 else "unavailable"
        return NeedQuote(sku, name, unit, Decimal(0), quantity, reason=reason)
    body = answer[1]
    names = supplier_names()
    offers = tuple(
        OfferQuote(
            supplier=names.get(offer["supplier_id"], ""),
            pack_size=Decimal(offer["pack_size"]),
            tiers=tuple(
                (Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in offer["tiers"]
            ),
            now=offer["now"],
            with_need=offer.get("with_need"),
            goods=None if offer.get("goods") is None else Decimal(offer["goods"]),
        )
        for offer in body["offers"]
    )
    return NeedQuote(sku, name, unit, Decimal(body["pooled"]), quantity, offers)


def _quantity(text: str) -> Decimal | None:
    """The typed quantity if it is one a need may have, else None (the form says why)."""
    try:
        amount = Decimal(_plain_decimal(text))
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 < amount < MOST or amount != round(amount, 3):
        return None
    return amount
