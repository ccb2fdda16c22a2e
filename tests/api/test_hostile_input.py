"""Input no database keeps and input that breaks parsers: each a clear 4xx naming where,
nothing stored, never a 500. (NUL passes SQLite but PostgreSQL refuses it in text.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Headers, Service
from tests.api.test_price_lists import HEADER, upload

UNSTORABLE = "Contains a character that cannot be stored (NUL or a lone surrogate)."


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000])
def test_a_deeply_nested_body_is_a_400(catalog: Service, admin: Headers, body: str) -> None:
    response = catalog.client.post(
        "/api/v1/needs", data=body, content_type="application/json", headers=admin
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "The body is nested too deeply.",
        "details": {"body": ["Too deep."]},
    }


@pytest.mark.parametrize("raw_name", ['"Farbe\\u0000weiss"', '"\\ud800"'])
def test_nul_or_a_lone_surrogate_in_a_field_is_refused_naming_it(
    catalog: Service, admin: Headers, raw_name: str
) -> None:
    body = '{"sku": "DISP-10L", "name": ' + raw_name + ', "unit": "Eimer"}'
    response = catalog.client.post(
        "/api/v1/products", data=body, content_type="application/json", headers=admin
    )
    assert response.status_code == 422
    assert response.get_json()["details"] == {"name": [UNSTORABLE]}
    assert catalog.client.get("/api/v1/products", headers=admin).get_json() == []


def test_nested_fields_are_named_with_their_path(
    catalog: Service, admin: Headers, make_supplier: Any
) -> None:
    supplier = make_supplier()
    body = '{"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "1\\u0000"}]}'
    response = catalog.client.put(
        f"/api/v1/offers/{supplier.id}/DISP-10L",
        data=body,
        content_type="application/json",
        headers=admin,
    )
    assert response.status_code == 422
    assert response.get_json()["details"] == {"tiers.0.unit_price": [UNSTORABLE]}


@pytest.mark.parametrize(
    "path", ["/api/v1/needs?status=%00", "/api/v1/products?q=a%00b", "/api/v1/members/%00"]
)
def test_nul_in_a_query_or_path_is_a_400(catalog: Service, admin: Headers, path: str) -> None:
    response = catalog.client.get(path, headers=admin)
    assert response.status_code == 400
    assert list(response.get_json()["details"].values()) == [[UNSTORABLE]]


def test_nul_in_a_price_list_is_refused(catalog: Service, make_supplier: Any) -> None:
    supplier = make_supplier()
    body = f"{HEADER}\nDISP-10L;Farbe\x00weiss;Eimer;1;0:42.00;\n"
    response = upload(catalog, supplier.id, body, supplier.headers)
    assert response.status_code == 422, response.get_json()
    [problem] = response.get_json()["details"]["rows"]
    assert problem["row"] == 2 and "NUL" in problem["message"]
