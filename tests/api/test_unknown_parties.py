"""Catalog's writes that name a member or a supplier (as the path or in the body) refuse
one that does not exist and store nothing for it, as notify's and billing's do
(tests/api/test_notify_member_paths.py, tests/api/test_settlement_api.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Headers, Service

UNKNOWN = 99999
TIERS = [{"min_quantity": "0", "unit_price": "4.20"}]
WRITES = [
    ("post", "/api/v1/needs", {"sku": "DISP-10L", "quantity": "3", "member_id": UNKNOWN}),
    ("put", f"/api/v1/members/{UNKNOWN}/flexibility", {"flexible_percent": 10}),
    ("post", f"/api/v1/members/{UNKNOWN}/deactivate", None),
    ("post", f"/api/v1/members/{UNKNOWN}/reactivate", None),
    ("put", f"/api/v1/offers/{UNKNOWN}/DISP-10L", {"pack_size": "1", "tiers": TIERS}),
    ("post", f"/api/v1/suppliers/{UNKNOWN}/deactivate", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_write_for_a_member_or_supplier_that_does_not_exist_is_refused(
    catalog: Service, admin: Headers, make_product: Any, method: str, path: str, body: Any
) -> None:
    make_product("DISP-10L")
    before = len(catalog.outbox())

    response = getattr(catalog.client, method)(path, json=body, headers=admin)

    assert response.status_code in (404, 422), response.get_json()
    party = "member_id" if "member" in path or "needs" in path else "supplier_id"
    assert response.get_json()["details"][party] == [
        f"There is no {party.removesuffix('_id')} {UNKNOWN}."
    ]
    assert len(catalog.outbox()) == before  # nothing announced, so nothing stored
    assert catalog.client.get("/api/v1/needs", headers=admin).get_json() == []
    assert catalog.client.get("/api/v1/offers", headers=admin).get_json() == []
