"""Catalog tells pooling from when an offer applies, and where a need's goods go."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.test_price_lists import GOOD, upload

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service


def test_an_offer_may_name_the_day_it_applies_from(
    catalog: Service, admin: Headers, make_supplier: Any, make_product: Any
) -> None:
    supplier, _ = make_supplier(), make_product()
    body = {"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "39.00"}]}

    later = catalog.client.put(
        f"/api/v1/offers/{supplier.id}/DISP-10L",
        json=body | {"valid_from": "2030-03-01"},
        headers=supplier.headers,
    )
    bad = catalog.client.put(
        f"/api/v1/offers/{supplier.id}/DISP-10L",
        json=body | {"valid_from": "1. März"},
        headers=supplier.headers,
    )

    assert later.status_code == 200 and later.get_json()["valid_from"] == "2030-03-01"
    assert bad.status_code == 422 and "valid_from" in bad.get_json()["details"]
    [event] = catalog.outbox("catalog.offer.updated")
    assert event["payload"]["valid_from"] == "2030-03-01"


def test_an_offer_without_a_day_applies_from_the_next_window(
    catalog: Service, make_supplier: Any, make_offer: Any, make_product: Any
) -> None:
    supplier, _ = make_supplier(), make_product()
    make_offer(supplier.id, "DISP-10L")

    [event] = catalog.outbox("catalog.offer.updated")
    assert event["payload"]["valid_from"] is None


def test_a_price_list_passes_each_rows_valid_from_on(
    catalog: Service, make_supplier: Any, make_product: Any
) -> None:
    supplier: Created = make_supplier()
    make_product("DISP-10L", "Dispersionsfarbe weiß", "bucket")

    assert upload(catalog, supplier.id, GOOD, supplier.headers).status_code == 200

    announced = {
        e["payload"]["sku"]: e["payload"]["valid_from"]
        for e in catalog.outbox("catalog.offer.updated")
    }
    assert announced == {"DISP-10L": "2030-03-01", "SIL-300": None}


def test_a_need_without_a_site_goes_to_the_members_premises(
    catalog: Service, make_member: Any, make_product: Any
) -> None:
    make_product()
    member = make_member(name="Malerbetrieb Kowalski", postcode="44137")
    for site in (None, "Baustelle Hansastraße 12"):
        body = {"sku": "DISP-10L", "quantity": "3", "delivery_site": site}
        response = catalog.client.post("/api/v1/needs", json=body, headers=member.headers)
        assert response.status_code == 201, response.get_json()

    sites = [e["payload"]["delivery_site"] for e in catalog.outbox("catalog.need.posted")]
    assert sites == ["Firmensitz Malerbetrieb Kowalski, 44137", "Baustelle Hansastraße 12"]
