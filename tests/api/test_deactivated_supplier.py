"""What a deactivated supplier's token may still do: read, confirm and reject the orders
it has (it owes them). Its terms, offers, price lists and everything else are a 403,
in catalog (which keeps suppliers) and in pooling (which hears of it from catalog)."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.service_layer import commands
from catalog.service_layer.directory import reactivate_supplier, remove_supplier
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.events import Event
from tests.api.conftest import Created, Headers, Service
from tests.api.test_pooling_api import A, close, current_pool, feed, supplier, supplier_updated
from tests.api.test_pooling_api import worked_example as worked_example  # the fixture

TERMS = {
    "name": "Baustoffe Ruhr",
    "email": "orders@baustoff.example",
    "shipping_fee": "19.00",
    "free_shipping_from": None,
}
OFFER = {"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "40.00"}]}
PRICE_LIST = "sku;name;unit;pack_size;tiers\nDISP-10L;Dispersionsfarbe;bucket;1;0:40.00\n"


@pytest.fixture
def deactivated(catalog: Service, make_supplier: Any, make_product: Any) -> Created:
    make_product("DISP-10L")
    made = make_supplier()
    assert (
        catalog.client.put(
            f"/api/v1/offers/{made.id}/DISP-10L", json=OFFER, headers=made.headers
        ).status_code
        == 200
    )
    with transaction(catalog.runtime.sessions) as session:
        remove_supplier(
            commands.RemoveSupplier(made.id), SqlAlchemyUnitOfWork(session, catalog.runtime.outbox)
        )
    return made


def catalog_calls(supplier_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("PUT", f"/api/v1/suppliers/{supplier_id}", {"json": TERMS}),
        ("GET", f"/api/v1/suppliers/{supplier_id}", {}),
        ("PUT", f"/api/v1/offers/{supplier_id}/DISP-10L", {"json": OFFER}),
        (
            "POST",
            f"/api/v1/price-lists/{supplier_id}",
            {"data": PRICE_LIST, "content_type": "text/csv"},
        ),
        ("GET", "/api/v1/suppliers", {}),
        ("GET", "/api/v1/offers", {}),
        ("GET", "/api/v1/products", {}),
    ]


def test_a_deactivated_supplier_changes_and_reads_nothing_in_catalog(
    catalog: Service, deactivated: Created
) -> None:
    for method, path, body in catalog_calls(deactivated.id):
        response = catalog.client.open(path, method=method, headers=deactivated.headers, **body)
        assert response.status_code == 403, (method, path, response.get_json())
        assert "deactivated" in response.get_json()["error"]


def test_an_active_supplier_still_does_all_of_it(
    catalog: Service, make_supplier: Any, make_product: Any
) -> None:
    make_product("DISP-10L")
    made = make_supplier()
    for method, path, body in catalog_calls(made.id):
        response = catalog.client.open(path, method=method, headers=made.headers, **body)
        assert response.status_code == 200, (method, path, response.get_json())


def test_the_office_still_manages_a_deactivated_supplier(
    catalog: Service, admin: Headers, deactivated: Created
) -> None:
    path = f"/api/v1/suppliers/{deactivated.id}"
    assert catalog.client.get(path, headers=admin).status_code == 200
    assert catalog.client.put(path, json=TERMS, headers=admin).status_code == 200


def test_a_reactivated_supplier_may_act_again(catalog: Service, deactivated: Created) -> None:
    with transaction(catalog.runtime.sessions) as session:
        reactivate_supplier(
            commands.ReactivateSupplier(deactivated.id),
            SqlAlchemyUnitOfWork(session, catalog.runtime.outbox),
        )
    path = f"/api/v1/suppliers/{deactivated.id}"
    response = catalog.client.put(path, json=TERMS, headers=deactivated.headers)
    assert response.status_code == 200


def standing_of_a(pooling: Service, active: bool) -> None:
    """Catalog's event deactivating (or reactivating) supplier A reaches pooling."""
    event = supplier_updated(A, "25.00", "500.00")
    feed(pooling, Event.of(event.event_type, event.payload | {"active": active}))


@pytest.fixture
def placed_then_deactivated(worked_example: Service, admin: Headers) -> int:
    [order] = close(worked_example, admin)["orders"]
    assert order["supplier_id"] == A
    standing_of_a(worked_example, active=False)
    return int(order["id"])


def test_a_deactivated_supplier_reads_and_confirms_the_order_it_owes(
    worked_example: Service, placed_then_deactivated: int
) -> None:
    client, mine, order_id = (
        worked_example.client,
        supplier(worked_example, A),
        placed_then_deactivated,
    )
    assert [o["id"] for o in client.get("/api/v1/orders", headers=mine).get_json()] == [order_id]
    assert client.get(f"/api/v1/orders/{order_id}", headers=mine).status_code == 200
    for kind in ("csv", "pdf"):
        document = client.get(f"/api/v1/orders/{order_id}/document.{kind}", headers=mine)
        assert document.status_code == 200, kind
    confirmed = client.post(
        f"/api/v1/orders/{order_id}/confirm", json={"expected_delivery": "2030-03-14"}, headers=mine
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "confirmed"


def test_a_deactivated_supplier_may_reject_the_order_it_cannot_deliver(
    worked_example: Service, placed_then_deactivated: int
) -> None:
    response = worked_example.client.post(
        f"/api/v1/orders/{placed_then_deactivated}/reject",
        json={"reason": "Wir liefern nicht mehr."},
        headers=supplier(worked_example, A),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "rejected"


def test_a_deactivated_supplier_sees_no_pool_until_reactivated(
    worked_example: Service, placed_then_deactivated: int
) -> None:
    mine = supplier(worked_example, A)
    response = worked_example.client.get("/api/v1/pools/current", headers=mine)
    assert response.status_code == 403
    assert "deactivated" in response.get_json()["error"]
    standing_of_a(worked_example, active=True)
    assert current_pool(worked_example, mine)["window_id"] is not None
