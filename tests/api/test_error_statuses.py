"""One mapping of domain errors to statuses across the three services' write paths.

A missing thing the path names is a 404 for every method; one the body names makes the
body invalid, a 422 naming that field; a step the state does not allow is a 409. Each
answer is ``{"error", "details": {field: [...]}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import Created, Headers, Service


@dataclass(frozen=True)
class Case:
    service: str
    method: str
    path: str  # {supplier} is the registered supplier's id
    body: dict[str, Any] | None
    status: int
    field: str
    caller: str = "admin"  # or "member": a member's own token


NEED = {"sku": "DISP-10L", "quantity": "3"}
OFFER = {"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "42.00"}]}
SUPPLIER = {"name": "Baustoffe Ost", "email": "ost@baustoff.example", "shipping_fee": "25.00"}

CASES = {
    # catalog: the missing thing in the body
    "need for an unknown product": Case(
        "catalog", "POST", "/api/v1/needs", NEED | {"sku": "NO-SUCH"}, 422, "sku", "member"
    ),
    "need for an unknown member": Case(
        "catalog", "POST", "/api/v1/needs", NEED | {"member_id": 99999}, 422, "member_id"
    ),
    # catalog: the missing thing in the path
    "offer of an unknown supplier": Case(
        "catalog", "PUT", "/api/v1/offers/99999/DISP-10L", OFFER, 404, "supplier_id"
    ),
    "offer of an unknown product": Case(
        "catalog", "PUT", "/api/v1/offers/{supplier}/NO-SUCH", OFFER, 404, "sku"
    ),
    "terms of an unknown supplier": Case(
        "catalog", "PUT", "/api/v1/suppliers/99999", SUPPLIER, 404, "supplier_id"
    ),
    "cancel an unknown need": Case(
        "catalog", "POST", "/api/v1/needs/99999/cancel", None, 404, "need_id"
    ),
    # pooling
    "confirm an unknown order": Case(
        "pooling", "POST", "/api/v1/orders/99999/confirm", None, 404, "order_id"
    ),
    "reject an unknown order": Case(
        "pooling",
        "POST",
        "/api/v1/orders/99999/reject",
        {"reason": "Nicht lieferbar"},
        404,
        "order_id",
    ),
    "close a window that is not the current one": Case(
        "pooling", "POST", "/api/v1/pools/close", {"window_id": 99999}, 409, "window_id"
    ),
    # notify
    "preferences of an unknown member": Case(
        "notify", "PUT", "/api/v1/members/99999/preferences", {"email": False}, 404, "member_id"
    ),
    "retry an unknown supplier delivery": Case(
        "notify", "POST", "/api/v1/supplier-deliveries/99999/retry", None, 404, "delivery_id"
    ),
}


@pytest.fixture
def services(
    catalog: Service,
    pooling: Service,
    notify: Service,
    make_member: Callable[..., Created],
    make_supplier: Callable[..., Created],
    make_product: Callable[..., Any],
    admin: Headers,
) -> dict[str, Any]:
    make_product("DISP-10L")
    return {
        "catalog": catalog,
        "pooling": pooling,
        "notify": notify,
        "supplier": make_supplier().id,
        "admin": admin,
        "member": make_member().headers,
    }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_refusal_answers_its_status_for_every_method(
    services: dict[str, Any], case: Case
) -> None:
    service: Service = services[case.service]
    path = case.path.format(supplier=services["supplier"])
    headers = services[case.caller]

    response = service.client.open(path, method=case.method, json=case.body, headers=headers)

    assert response.status_code == case.status, response.get_json()
    body = response.get_json()
    assert set(body) == {"error", "details"}
    assert list(body["details"]) == [case.field]
    assert body["details"][case.field] == [body["error"]]
