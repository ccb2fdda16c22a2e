"""Catalog's API as the pages use it: members, suppliers, products, offers, needs and
price lists, each read into the dataclasses of ``catalog_types``.

Bodies go out as the API takes them (decimals and dates as strings); a refusal comes
back as ``Refused`` with the API's details per field, for the form to show beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from shared.fields import ascii_int
from web.clients.catalog_ops import OpsClient
from web.clients.catalog_types import (
    Member,
    Need,
    Offer,
    PriceListRefused,
    PriceListSummary,
    Product,
    RowProblem,
    Supplier,
)
from web.clients.catalog_users import UsersClient
from web.clients.service import Caller, Refused, ServiceClient, read

KINDS = {"member": "members", "supplier": "suppliers"}
IDEMPOTENCY_KEY = "Idempotency-Key"


class NeedSentBefore(Exception):
    """The need's key was sent before with other values, as need ``need_id``."""

    def __init__(self, need_id: int) -> None:
        super().__init__(f"sent before as need {need_id}")
        self.need_id = need_id


def as_json(value: Any) -> Any:
    """A form's loaded body as JSON: decimals and dates as strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass(frozen=True)
class CatalogClient:
    service: ServiceClient

    @property
    def ops(self) -> OpsClient:
        """The queues, dead letters and their audit log, which catalog keeps for the office."""
        return OpsClient(self.service)

    @property
    def users(self) -> UsersClient:
        """Who may sign in, and the open web sessions, which catalog keeps."""
        return UsersClient(self.service)

    def _get(self, caller: Caller, path: str, params: Any = None) -> Any:
        return self.service.get(caller, path, params)

    def _send(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        return self.service.send(caller, method, path, as_json(body))

    # members and suppliers
    def members(self, caller: Caller) -> list[Member]:
        body = self._get(caller, "/members")
        return read("catalog", lambda: [Member.read(item) for item in body])

    def member(self, caller: Caller, member_id: int) -> Member:
        body = self._get(caller, f"/members/{member_id}")
        return read("catalog", lambda: Member.read(body))

    def member_names(self, caller: Caller, member_ids: Iterable[int]) -> dict[int, str]:
        """The names of these members (the office, or a supplier for the members it serves)."""
        ids = sorted(set(member_ids))
        if not ids:
            return {}
        body = self._get(caller, "/member-names", {"id": ids})
        return read("catalog", lambda: {item["id"]: item["name"] for item in body})

    def register_member(self, caller: Caller, body: dict[str, Any]) -> Member:
        answer = self._send(caller, "POST", "/members", body)
        return read("catalog", lambda: Member.read(answer))

    def change_member(self, caller: Caller, member_id: int, body: dict[str, Any]) -> Member:
        answer = self._send(caller, "PUT", f"/members/{member_id}", body)
        return read("catalog", lambda: Member.read(answer))

    def set_flexibility(self, caller: Caller, member_id: int, percent: int | None) -> None:
        """The member's default flexibility for the needs it posts from now on."""
        body = {"flexible_percent": percent}
        self._send(caller, "PUT", f"/members/{member_id}/flexibility", body)

    def suppliers(self, caller: Caller) -> list[Supplier]:
        body = self._get(caller, "/suppliers")
        return read("catalog", lambda: [Supplier.read(item) for item in body])

    def supplier(self, caller: Caller, supplier_id: int) -> Supplier:
        body = self._get(caller, f"/suppliers/{supplier_id}")
        return read("catalog", lambda: Supplier.read(body))

    def supplier_names(self, caller: Caller) -> dict[int, str]:
        return {supplier.id: supplier.name for supplier in self.suppliers(caller)}

    def register_supplier(self, caller: Caller, body: dict[str, Any]) -> Supplier:
        answer = self._send(caller, "POST", "/suppliers", body)
        return read("catalog", lambda: Supplier.read(answer))

    def update_supplier(self, caller: Caller, supplier_id: int, body: dict[str, Any]) -> Supplier:
        answer = self._send(caller, "PUT", f"/suppliers/{supplier_id}", body)
        return read("catalog", lambda: Supplier.read(answer))

    def set_active(self, caller: Caller, kind: str, record_id: int, active: bool) -> None:
        """Deactivate (the history stays) or reactivate a member or a supplier."""
        action = "reactivate" if active else "deactivate"
        self._send(caller, "POST", f"/{KINDS[kind]}/{record_id}/{action}")

    # products and offers
    def products(self, caller: Caller, skus: Iterable[str] | None = None) -> list[Product]:
        """Every product by SKU, or those of ``skus``."""
        params = None if skus is None else {"sku": sorted(set(skus))}
        if params is not None and not params["sku"]:
            return []
        body = self._get(caller, "/product-index", params)
        return read("catalog", lambda: [Product.read(item) for item in body])

    def search_products(self, caller: Caller, query: str, limit: int) -> list[Product]:
        """The products catalog finds for ``query`` (name, SKU, trade), at most ``limit``."""
        body = self._get(caller, "/products", {"q": query, "limit": limit})
        return read("catalog", lambda: [Product.read(item) for item in body])

    def product(self, caller: Caller, sku: str) -> Product:
        body = self._get(caller, "/product-index", {"sku": [sku]})
        found = read("catalog", lambda: [Product.read(item) for item in body])
        if not found:
            raise Refused(404, f"There is no product {sku}.")
        return found[0]

    def add_product(self, caller: Caller, body: dict[str, Any]) -> Product:
        answer = self._send(caller, "POST", "/products", body)
        return read("catalog", lambda: Product.read(answer))

    def change_product(self, caller: Caller, sku: str, body: dict[str, Any]) -> Product:
        answer = self._send(caller, "PUT", f"/products/{sku}", body)
        return read("catalog", lambda: Product.read(answer))

    def offers(self, caller: Caller) -> list[Offer]:
        body = self._get(caller, "/offers")
        return read("catalog", lambda: [Offer.read(item) for item in body])

    def set_offer(self, caller: Caller, supplier_id: int, sku: str, body: dict[str, Any]) -> Offer:
        answer = self._send(caller, "PUT", f"/offers/{supplier_id}/{sku}", body)
        return read("catalog", lambda: Offer.read(answer))

    # needs
    def needs(self, caller: Caller) -> list[Need]:
        """The caller's needs (the office: every member's), newest first; the API answers
        at most 500."""
        body = self._get(caller, "/needs")
        return read("catalog", lambda: [Need.read(item) for item in body])

    def need_page(self, caller: Caller, params: dict[str, Any]) -> tuple[list[Need], int]:
        """One page of the needs the query ``params`` of ``GET /needs`` find, and how many
        it finds in all (its ``X-Total-Count``)."""
        answer = self.service.call(caller, "GET", "/needs", params=params)
        total = answer.headers.get("X-Total-Count", "")
        return read(
            "catalog", lambda: ([Need.read(item) for item in answer.json()], ascii_int(total))
        )

    def need(self, caller: Caller, need_id: int) -> Need:
        body = self._get(caller, f"/needs/{need_id}")
        return read("catalog", lambda: Need.read(body))

    def change_need(self, caller: Caller, need_id: int, body: dict[str, Any]) -> Need:
        answer = self._send(caller, "PATCH", f"/needs/{need_id}", body)
        return read("catalog", lambda: Need.read(answer))

    def post_need(self, caller: Caller, body: dict[str, Any], key: str | None) -> Need:
        """The need posted, or the one this key posted before (``NeedSentBefore`` when that
        one had other values)."""
        headers = {IDEMPOTENCY_KEY: key} if key else {}
        try:
            answer = self.service.send(caller, "POST", "/needs", as_json(body), headers=headers)
        except Refused as exc:
            if exc.status == 422 and (earlier := exc.details.get("need_id")):
                raise NeedSentBefore(read("catalog", lambda: int(earlier[0]))) from exc
            raise
        return read("catalog", lambda: Need.read(answer))

    def cancel_need(self, caller: Caller, need_id: int) -> Need:
        answer = self._send(caller, "POST", f"/needs/{need_id}/cancel")
        return read("catalog", lambda: Need.read(answer))

    # price lists
    def upload_price_list(self, caller: Caller, supplier_id: int, text: bytes) -> PriceListSummary:
        """The price list stored whole, or ``PriceListRefused`` with its problems."""
        files = {"file": ("price-list.csv", text, "text/csv")}
        try:
            answer = self.service.send(caller, "POST", f"/price-lists/{supplier_id}", files=files)
        except Refused as exc:
            if exc.status != 422:
                raise
            rows, templates = exc.details.get("rows", []), exc.details.get("templates", [])
            problems = read(
                "catalog",
                lambda: tuple(
                    RowProblem.read(row, template)
                    for row, template in zip(rows, templates or [{}] * len(rows), strict=True)
                ),
            )
            count = exc.details.get("problems", len(problems))
            raise PriceListRefused(exc.message, problems, count) from exc
        return read("catalog", lambda: PriceListSummary.read(answer))

    def price_list(self, caller: Caller, supplier_id: int) -> bytes:
        """The supplier's offers as the CSV the upload reads."""
        return self.service.call(caller, "GET", f"/price-lists/{supplier_id}").content

    def price_list_template(self, caller: Caller) -> bytes:
        """An example price list to fill in, as the upload reads it."""
        return self.service.call(caller, "GET", "/price-lists/template").content
