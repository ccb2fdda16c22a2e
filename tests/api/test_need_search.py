"""``GET /api/v1/needs`` searched, filtered, sorted and paged in the database (the office's
list of needs asks it so): ``q``, ``status``, ``member_id``, ``sku``, ``sort``/``dir``,
``page``/``per_page`` and the ``X-Total-Count`` header."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service


@pytest.fixture
def needs(
    catalog: Service,
    admin: Headers,
    make_member: Callable[..., Created],
    make_product: Callable[..., dict[str, Any]],
) -> dict[str, Created]:
    make_product("DISP-10L", "Dispersionsfarbe 10 l")
    make_product("SIL-300", "Silikon 300 ml", "piece")
    kowalski, becker = make_member(name="Maler Kowalski"), make_member(name="Fliesen Becker")
    for member, sku, quantity, site in (
        (kowalski, "DISP-10L", "6", "Baustelle Hörde"),
        (kowalski, "SIL-300", "30", None),
        (becker, "SIL-300", "14", "Lager Ost"),
        (becker, "DISP-10L", "8", None),
    ):
        body = {"sku": sku, "quantity": quantity} | ({"delivery_site": site} if site else {})
        posted = catalog.client.post("/api/v1/needs", json=body, headers=member.headers)
        assert posted.status_code == 201, posted.get_json()
    return {"kowalski": kowalski, "becker": becker}


def listed(catalog: Service, headers: Headers, query: str = "") -> tuple[list[dict], int]:
    response = catalog.client.get(f"/api/v1/needs{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), int(response.headers["X-Total-Count"])


def test_without_arguments_the_newest_come_first(catalog: Service, admin: Headers, needs) -> None:
    found, total = listed(catalog, admin)
    assert [n["id"] for n in found] == [4, 3, 2, 1] and total == 4


def test_search_finds_product_member_and_site(catalog: Service, admin: Headers, needs) -> None:
    assert [n["id"] for n in listed(catalog, admin, "?q=silikon")[0]] == [3, 2]
    assert [n["id"] for n in listed(catalog, admin, "?q=BECKER")[0]] == [4, 3]
    assert [n["id"] for n in listed(catalog, admin, "?q=hörde")[0]] == [1]
    assert listed(catalog, admin, "?q=100%25")[1] == 0  # % is a character, not a wildcard


def test_filters_sort_and_pages(catalog: Service, admin: Headers, needs) -> None:
    becker = needs["becker"].body["id"]
    assert [n["id"] for n in listed(catalog, admin, f"?member_id={becker}&sku=SIL-300")[0]] == [3]
    by_quantity, _total = listed(catalog, admin, "?sort=quantity&dir=desc")
    assert [n["quantity"] for n in by_quantity] == ["30", "14", "8", "6"]
    second, total = listed(catalog, admin, "?sort=member&per_page=3&page=2")
    assert total == 4 and [n["id"] for n in second] == [2]  # Becker 3, 4; Kowalski 1, 2
    assert listed(catalog, admin, "?status=cancelled") == ([], 0)


def test_a_member_searches_its_own_needs_only(catalog: Service, needs) -> None:
    found, total = listed(catalog, needs["kowalski"].headers, "?q=silikon")
    assert [n["id"] for n in found] == [2] and total == 1
    becker = needs["becker"].body["id"]
    assert listed(catalog, needs["kowalski"].headers, f"?member_id={becker}")[1] == 2


@pytest.mark.parametrize(
    "query, field",
    [
        ("?sort=password", "sort"),
        ("?dir=up", "dir"),
        ("?page=0", "page"),
        ("?per_page=501", "per_page"),
    ],
)
def test_bad_arguments_are_named(catalog: Service, admin: Headers, query: str, field: str) -> None:
    response = catalog.client.get(f"/api/v1/needs{query}", headers=admin)
    assert response.status_code == 422
    assert field in response.get_json()["details"]
