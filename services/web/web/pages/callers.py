"""Catalog's data as the pages show it beside other services' answers: the signed-in user
as a caller, and the names of products, members and suppliers.

A name catalog cannot give right now is left out: the page shows the SKU or the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_login import current_user

from web.clients import clients
from web.clients.catalog import CatalogClient
from web.clients.service import (
    OFFICE,
    Caller,
    Refused,
    ServiceUnavailable,
)


def signed_in() -> Caller:
    """The signed-in user as whom a page calls: the office, a supplier or a member."""
    if current_user.is_admin:
        return Caller("admin", by=current_user.email)
    if current_user.is_supplier:
        return Caller("supplier", current_user.supplier_id, current_user.email)
    return Caller("member", current_user.member_id, current_user.email)


def catalog() -> CatalogClient:
    return clients().catalog


def product_names(skus: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
    """Each SKU's product name and unit (every product's, without ``skus``)."""
    try:
        found = catalog().products(signed_in(), skus)
    except ServiceUnavailable:
        return {}
    return {product.sku: (product.name, product.unit) for product in found}


def pool_units(pool: dict[str, Any] | None, *more: str) -> dict[str, str]:
    """Each pooled product's unit (and those of the ``more`` SKUs), as catalog knows it."""
    skus = [product["sku"] for product in (pool or {}).get("products", ())] + list(more)
    if not skus:
        return {}
    return {sku: unit for sku, (_name, unit) in product_names(skus).items()}


def member_names(member_ids: Iterable[int]) -> dict[int, str]:
    """The members' names; a member's page shows its own name alone."""
    caller, asked = signed_in(), set(member_ids)
    try:
        if caller.role != "member":
            return catalog().member_names(caller, asked)
        if caller.subject_id not in asked:
            return {}
        return {caller.subject_id: catalog().member(caller, caller.subject_id).name}
    except (ServiceUnavailable, Refused):
        return {}


def order_names(order: dict[str, Any]) -> dict[str, dict]:
    """Product names and units, and the members' names, as catalog knows them."""
    skus = [line["sku"] for line in order["lines"]]
    member_ids = {a["member_id"] for line in order["lines"] for a in line["allocations"]}
    return {"products": product_names(skus), "members": member_names(member_ids)}


def supplier_names() -> dict[int, str]:
    try:
        return catalog().supplier_names(signed_in())
    except ServiceUnavailable:
        return {}


def members_by_name(active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the members, by name, for the office's choices."""
    found = catalog().members(OFFICE)
    chosen = (m for m in found if m.active or not active_only)
    return [(m.id, m.name) for m in sorted(chosen, key=lambda m: (m.name, m.id))]


def suppliers_by_name(active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the suppliers, by name, for the office's choices."""
    found = catalog().suppliers(OFFICE)
    chosen = (s for s in found if s.active or not active_only)
    return [(s.id, s.name) for s in sorted(chosen, key=lambda s: (s.name, s.id))]
