"""How a supplier receives its orders, set in catalog: e-mail, a signed webhook or an AMQP
queue; catalog tells pooling and notify with ``catalog.supplier.updated``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import events

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

SECRET = "s3cret-of-the-wholesaler-0042"
TERMS = {
    "name": "Baustoffhandel Ruhr",
    "email": "orders@ruhr.example",
    "shipping_fee": "25.00",
    "free_shipping_from": "500.00",
}
WEBHOOK = TERMS | {
    "delivery_channel": "webhook",
    "webhook_url": "https://erp.ruhr.example/zirkel/orders",
    "webhook_secret": SECRET,
}


def put(catalog: Service, headers: Headers, supplier_id: int, body: dict[str, Any]) -> Any:
    return catalog.client.put(f"/api/v1/suppliers/{supplier_id}", json=body, headers=headers)


def test_a_new_supplier_gets_its_orders_by_email(catalog: Service, admin: Headers) -> None:
    created = catalog.client.post("/api/v1/suppliers", json=TERMS, headers=admin).get_json()

    assert created["delivery_channel"] == "email"
    assert created["webhook_url"] is None and created["webhook_secret_hint"] is None
    [event] = catalog.outbox("catalog.supplier.updated")
    assert event["payload"]["email"] == "orders@ruhr.example"
    assert event["payload"]["delivery_channel"] == "email"


def test_a_webhook_secret_is_stored_but_never_shown_in_full(
    catalog: Service, admin: Headers
) -> None:
    response = catalog.client.post("/api/v1/suppliers", json=WEBHOOK, headers=admin)

    assert response.status_code == 201
    created = response.get_json()
    assert SECRET not in response.get_data(as_text=True)
    assert created["webhook_secret_hint"] == "…0042"
    shown = catalog.client.get(f"/api/v1/suppliers/{created['id']}", headers=admin)
    assert SECRET not in shown.get_data(as_text=True)
    listed = catalog.client.get("/api/v1/suppliers", headers=admin)
    assert SECRET not in listed.get_data(as_text=True)
    [event] = catalog.outbox("catalog.supplier.updated")
    assert event["payload"]["webhook_url"] == "https://erp.ruhr.example/zirkel/orders"
    assert event["payload"]["webhook_secret"] == SECRET  # notify signs with it


def test_a_supplier_switches_itself_to_a_webhook_and_keeps_its_secret(
    catalog: Service, make_supplier: Any
) -> None:
    supplier: Created = make_supplier()
    assert put(catalog, supplier.headers, supplier.id, WEBHOOK).status_code == 200

    renamed = WEBHOOK | {"name": "Baustoffhandel Ruhr GmbH"}
    del renamed["webhook_secret"]
    response = put(catalog, supplier.headers, supplier.id, renamed)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["webhook_secret_hint"] == "…0042"
    last = catalog.outbox("catalog.supplier.updated")[-1]["payload"]
    assert (last["name"], last["webhook_secret"]) == ("Baustoffhandel Ruhr GmbH", SECRET)


def test_an_amqp_supplier_carries_no_webhook_in_its_event(
    catalog: Service, admin: Headers, make_supplier: Any
) -> None:
    supplier: Created = make_supplier()
    put(catalog, admin, supplier.id, WEBHOOK)

    response = put(catalog, admin, supplier.id, TERMS | {"delivery_channel": "amqp"})

    assert response.get_json()["delivery_channel"] == "amqp"
    last = catalog.outbox("catalog.supplier.updated")[-1]["payload"]
    assert last["delivery_channel"] == "amqp"
    assert last["webhook_url"] is None and last["webhook_secret"] is None


def test_a_webhook_without_url_or_secret_or_with_a_strange_url_is_refused(
    catalog: Service, admin: Headers, make_supplier: Any
) -> None:
    supplier: Created = make_supplier()
    cases = {
        "webhook_url": [
            WEBHOOK | {"webhook_url": None},
            WEBHOOK | {"webhook_url": "ftp://erp.ruhr.example/orders"},
            WEBHOOK | {"webhook_url": "javascript:alert(1)"},
        ],
        "webhook_secret": [WEBHOOK | {"webhook_secret": None}, WEBHOOK | {"webhook_secret": "x"}],
        "delivery_channel": [TERMS | {"delivery_channel": "fax"}],
    }
    for field, bodies in cases.items():
        for body in bodies:
            response = put(catalog, admin, supplier.id, body)
            assert response.status_code == 422, (field, body)
            assert field in response.get_json()["details"], (field, response.get_json())
    assert catalog.outbox("catalog.supplier.updated")[-1]["payload"]["delivery_channel"] == "email"


def test_a_supplier_cannot_change_another_supplier(catalog: Service, make_supplier: Any) -> None:
    mine, other = make_supplier(), make_supplier()

    assert put(catalog, other.headers, mine.id, WEBHOOK).status_code == 403
    assert (
        catalog.client.get(f"/api/v1/suppliers/{mine.id}", headers=other.headers).status_code == 403
    )
    assert put(catalog, mine.headers, 999, WEBHOOK).status_code == 403


def test_members_do_not_see_how_suppliers_receive_orders(
    catalog: Service, admin: Headers, make_member: Any
) -> None:
    catalog.client.post("/api/v1/suppliers", json=WEBHOOK, headers=admin)
    member = make_member()

    [listed] = catalog.client.get("/api/v1/suppliers", headers=member.headers).get_json()

    assert "webhook_url" not in listed and "delivery_channel" not in listed


def test_an_older_supplier_event_still_validates_as_email() -> None:
    old = events.Event.of(
        "catalog.supplier.updated",
        {"supplier_id": 1, "name": "A", "shipping_fee": "25.00", "free_shipping_from": None},
    )
    loaded = events.load(events.dump(old))
    assert loaded.payload["delivery_channel"] == "email"
    assert loaded.payload["email"] is None
