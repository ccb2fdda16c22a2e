"""The catalog's resources over HTTP: members, suppliers, products, offers and one's own needs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

MEMBER = {
    "name": "Maler Schulte GmbH",
    "trade": "painter",
    "email": "buero@maler-schulte.example",
    "postcode": "44137",
}
SUPPLIER = {
    "name": "Baustoffe Westfalen",
    "email": "auftrag@baustoffe.example",
    "shipping_fee": "25.00",
    "free_shipping_from": "500.00",
}


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "details"}
    if field is not None:
        assert field in body["details"], body
    return body


def offer_body(pack_size: Any = "1", tiers: Any = (("0", "42.00"),)) -> dict[str, Any]:
    return {
        "pack_size": pack_size,
        "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
    }


# --- members ---------------------------------------------------------------------------------


def test_an_admin_registers_a_member_with_a_working_token(catalog: Service, admin: Headers) -> None:
    response = catalog.client.post("/api/v1/members", json=MEMBER, headers=admin)

    assert response.status_code == 201
    member = response.get_json()
    assert {k: member[k] for k in MEMBER} == MEMBER
    assert isinstance(member["id"], int)
    mine = {"Authorization": f"Bearer {member['api_token']}"}
    shown = catalog.client.get(f"/api/v1/members/{member['id']}", headers=mine)
    assert shown.status_code == 200
    assert shown.get_json()["email"] == MEMBER["email"]


def test_a_member_cannot_register_members(catalog: Service, make_member: Any) -> None:
    member = make_member()
    response = catalog.client.post("/api/v1/members", json=MEMBER, headers=member.headers)
    assert_error(response, 403)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("trade", "banker"),
        ("trade", ""),
        ("email", "not-an-address"),
        ("email", "a@"),
        ("postcode", "4413"),
        ("postcode", "441370"),
        ("postcode", "4413a"),
        ("name", ""),
    ],
)
def test_a_member_with_a_bad_field_is_refused(
    catalog: Service, admin: Headers, field: str, value: str
) -> None:
    response = catalog.client.post("/api/v1/members", json=MEMBER | {field: value}, headers=admin)
    assert_error(response, 422, field)
    assert catalog.client.get("/api/v1/members", headers=admin).get_json() == []


# --- suppliers -------------------------------------------------------------------------------


def test_a_shipping_fee_in_fractions_of_a_cent_is_refused(catalog: Service, admin: Headers) -> None:
    response = catalog.client.post(
        "/api/v1/suppliers", json=SUPPLIER | {"shipping_fee": "25.001"}, headers=admin
    )
    assert_error(response, 422, "shipping_fee")
    assert catalog.outbox() == []


def test_a_supplier_that_never_ships_free_is_echoed_with_null(
    catalog: Service, admin: Headers
) -> None:
    response = catalog.client.post(
        "/api/v1/suppliers", json=SUPPLIER | {"free_shipping_from": None}, headers=admin
    )

    assert response.status_code == 201
    supplier = response.get_json()
    assert supplier["free_shipping_from"] is None
    assert Decimal(supplier["shipping_fee"]) == Decimal("25.00")
    assert isinstance(supplier["api_token"], str) and supplier["api_token"]
    [event] = catalog.outbox("catalog.supplier.updated")
    assert event["payload"]["supplier_id"] == supplier["id"]
    assert event["payload"]["free_shipping_from"] is None


def test_a_member_cannot_register_suppliers(catalog: Service, make_member: Any) -> None:
    member = make_member()
    response = catalog.client.post("/api/v1/suppliers", json=SUPPLIER, headers=member.headers)
    assert_error(response, 403)


# --- products --------------------------------------------------------------------------------


def test_a_duplicate_sku_is_a_conflict(catalog: Service, admin: Headers, make_product: Any) -> None:
    make_product("SIL-300")
    response = catalog.client.post(
        "/api/v1/products",
        json={"sku": "SIL-300", "name": "Silikon, andere Sorte", "unit": "cartridge"},
        headers=admin,
    )
    assert_error(response, 409, "sku")
    listed = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert [p["sku"] for p in listed] == ["SIL-300"]


# --- offers ----------------------------------------------------------------------------------


@pytest.fixture
def supplier(make_supplier: Any, make_product: Any) -> Created:
    make_product("DISP-10L")
    return make_supplier()


def put_offer(catalog: Service, headers: Headers, supplier_id: int, sku: str, body: Any) -> Any:
    return catalog.client.put(f"/api/v1/offers/{supplier_id}/{sku}", json=body, headers=headers)


def test_an_admin_sets_an_offer(catalog: Service, admin: Headers, supplier: Created) -> None:
    body = offer_body("1", (("0", "42.00"), ("10", "38.00"), ("25", "34.50")))
    response = put_offer(catalog, admin, supplier.id, "DISP-10L", body)

    assert response.status_code == 200
    offer = response.get_json()
    assert offer["supplier_id"] == supplier.id
    assert offer["sku"] == "DISP-10L"
    assert [(Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in offer["tiers"]] == [
        (Decimal(0), Decimal("42.00")),
        (Decimal(10), Decimal("38.00")),
        (Decimal(25), Decimal("34.50")),
    ]
    [event] = catalog.outbox("catalog.offer.updated")
    assert event["payload"]["supplier_id"] == supplier.id


def test_a_supplier_sets_its_own_offer(catalog: Service, supplier: Created) -> None:
    response = put_offer(catalog, supplier.headers, supplier.id, "DISP-10L", offer_body())
    assert response.status_code == 200


def test_a_supplier_cannot_set_another_suppliers_offer(
    catalog: Service, admin: Headers, supplier: Created, make_supplier: Any
) -> None:
    other = make_supplier()
    response = put_offer(catalog, other.headers, supplier.id, "DISP-10L", offer_body())
    assert_error(response, 403)
    assert catalog.client.get("/api/v1/offers", headers=admin).get_json() == []


def test_a_supplier_reads_its_own_offers_alone(
    catalog: Service, admin: Headers, supplier: Created, make_supplier: Any, make_member: Any
) -> None:
    other = make_supplier()
    for who in (supplier, other):
        assert put_offer(catalog, admin, who.id, "DISP-10L", offer_body()).status_code == 200

    def suppliers_seen(headers: Headers) -> list[int]:
        return [
            o["supplier_id"]
            for o in catalog.client.get("/api/v1/offers", headers=headers).get_json()
        ]

    assert suppliers_seen(supplier.headers) == [supplier.id]
    assert suppliers_seen(other.headers) == [other.id]
    assert suppliers_seen(make_member().headers) == [supplier.id, other.id]
    assert suppliers_seen(admin) == [supplier.id, other.id]


def test_a_member_cannot_set_offers(catalog: Service, supplier: Created, make_member: Any) -> None:
    member = make_member()
    response = put_offer(catalog, member.headers, supplier.id, "DISP-10L", offer_body())
    assert_error(response, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (offer_body(tiers=(("5", "42.00"), ("10", "38.00"))), "tiers"),
        (offer_body(tiers=(("0", "42.00"), ("10", "38.00"), ("10", "37.00"))), "tiers"),
        (offer_body(tiers=(("0", "42.00"), ("25", "38.00"), ("10", "37.00"))), "tiers"),
        (offer_body(tiers=()), "tiers"),
        (offer_body(tiers=(("0", "0.001"),)), "tiers"),
        (offer_body(tiers=(("0", "0"),)), "tiers"),
        (offer_body(tiers=(("0", "1.23456"),)), "tiers"),
        (offer_body(pack_size="0"), "pack_size"),
        (offer_body(pack_size="-1"), "pack_size"),
        (offer_body(pack_size="0.0001"), "pack_size"),
    ],
    ids=[
        "first-tier-not-at-0",
        "repeated-start",
        "falling-start",
        "no-tiers",
        "price-below-a-cent",
        "price-zero",
        "price-5-places",
        "pack-zero",
        "pack-negative",
        "pack-4-places",
    ],
)
def test_a_bad_offer_is_refused_with_the_field_named(
    catalog: Service, admin: Headers, supplier: Created, body: Any, field: str
) -> None:
    assert_error(put_offer(catalog, admin, supplier.id, "DISP-10L", body), 422, field)
    assert catalog.client.get("/api/v1/offers", headers=admin).get_json() == []
    assert catalog.outbox("catalog.offer.updated") == []


@pytest.mark.parametrize("price", ["0.01", "3.1234", "999999.9999"])
def test_prices_within_the_bounds_are_kept_exactly(
    catalog: Service, admin: Headers, supplier: Created, price: str
) -> None:
    response = put_offer(catalog, admin, supplier.id, "DISP-10L", offer_body(tiers=(("0", price),)))
    assert response.status_code == 200, response.get_json()
    assert Decimal(response.get_json()["tiers"][0]["unit_price"]) == Decimal(price)


def test_an_offer_of_an_unknown_supplier_is_refused(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    response = put_offer(catalog, admin, 999, "DISP-10L", offer_body())
    assert_error(response, 404, "supplier_id")


def test_an_offer_of_an_unknown_product_is_refused(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    response = put_offer(catalog, admin, supplier.id, "NO-SUCH-SKU", offer_body())
    assert_error(response, 404, "sku")
    assert catalog.outbox("catalog.offer.updated") == []


def test_a_second_put_replaces_the_tiers(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    first = offer_body("1", (("0", "42.00"), ("10", "38.00"), ("25", "34.50")))
    second = offer_body("2", (("0", "40.00"), ("20", "37.00")))
    put_offer(catalog, admin, supplier.id, "DISP-10L", first)

    response = put_offer(catalog, admin, supplier.id, "DISP-10L", second)

    assert response.status_code == 200
    [offer] = catalog.client.get("/api/v1/offers", headers=admin).get_json()
    assert Decimal(offer["pack_size"]) == 2
    assert [(Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in offer["tiers"]] == [
        (Decimal(0), Decimal("40.00")),
        (Decimal(20), Decimal("37.00")),
    ]
    latest = catalog.outbox("catalog.offer.updated")[-1]["payload"]
    assert [t["min_quantity"] for t in latest["tiers"]] == ["0", "20"]


def test_offers_list_their_tiers_by_rising_quantity(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    body = offer_body("1", (("0", "42.00"), ("5", "40.00"), ("10", "38.00")))
    put_offer(catalog, admin, supplier.id, "DISP-10L", body)

    [offer] = catalog.client.get("/api/v1/offers", headers=admin).get_json()

    assert [Decimal(t["min_quantity"]) for t in offer["tiers"]] == [0, 5, 10]


# --- needs -----------------------------------------------------------------------------------


@pytest.fixture
def need(catalog: Service, make_member: Any, make_product: Any) -> dict[str, Any]:
    make_product("DISP-10L")
    owner = make_member()
    response = catalog.client.post(
        "/api/v1/needs", json={"sku": "DISP-10L", "quantity": "6"}, headers=owner.headers
    )
    assert response.status_code == 201
    return response.get_json() | {"headers": owner.headers}


def test_the_owner_sees_its_need(catalog: Service, need: dict[str, Any]) -> None:
    response = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=need["headers"])
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["id"] == need["id"]
    assert shown["member_id"] == need["member_id"]
    assert shown["sku"] == "DISP-10L"
    assert Decimal(shown["quantity"]) == 6
    assert shown["status"] == "open"


def test_another_member_cannot_see_a_need(
    catalog: Service, need: dict[str, Any], make_member: Any
) -> None:
    other = make_member()
    assert_error(catalog.client.get(f"/api/v1/needs/{need['id']}", headers=other.headers), 403)
    assert catalog.client.get("/api/v1/needs", headers=other.headers).get_json() == []


def test_an_admin_sees_any_need(catalog: Service, admin: Headers, need: dict[str, Any]) -> None:
    response = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=admin)
    assert response.status_code == 200
    assert response.get_json()["member_id"] == need["member_id"]


def test_an_unknown_need_is_not_found(catalog: Service, need: dict[str, Any]) -> None:
    assert_error(catalog.client.get("/api/v1/needs/999", headers=need["headers"]), 404)


def test_an_impossibly_large_need_id_is_not_found(catalog: Service, need: dict[str, Any]) -> None:
    response = catalog.client.get(f"/api/v1/needs/{10**20}", headers=need["headers"])
    assert_error(response, 404)


def test_the_owner_asks_pooling_once_to_cancel_a_need(
    catalog: Service, need: dict[str, Any]
) -> None:
    """Pooling owns the close, so the cancellation is a request (202) until its verdict;
    asking again changes nothing."""
    url = f"/api/v1/needs/{need['id']}/cancel"

    response = catalog.client.post(url, headers=need["headers"])

    assert response.status_code == 202
    assert response.get_json()["status"] == "cancel_requested"
    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=need["headers"])
    assert shown.get_json()["status"] == "cancel_requested"
    again = catalog.client.post(url, headers=need["headers"])
    assert (again.status_code, again.get_json()["status"]) == (202, "cancel_requested")
    [event] = catalog.outbox("catalog.need.cancelled")
    assert event["payload"]["need_id"] == need["id"]


def test_another_member_cannot_cancel_a_need(
    catalog: Service, need: dict[str, Any], make_member: Any
) -> None:
    other = make_member()
    url = f"/api/v1/needs/{need['id']}/cancel"
    assert_error(catalog.client.post(url, headers=other.headers), 403)
    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=need["headers"])
    assert shown.get_json()["status"] == "open"
    assert catalog.outbox("catalog.need.cancelled") == []


def test_an_order_wins_over_a_cancellation_it_overtook(
    catalog: Service, make_member: Any, make_product: Any
) -> None:
    """Pooling had ordered the need before it learnt of the cancellation: the supplier has
    the order, so the member sees the need ordered, never cancelled and ordered at once."""
    from catalog.bootstrap import handlers
    from shared.events import Event

    member = make_member()
    make_product("DISP-10L")
    need = catalog.client.post(
        "/api/v1/needs", json={"sku": "DISP-10L", "quantity": "6"}, headers=member.headers
    ).get_json()
    cancel = catalog.client.post(f"/api/v1/needs/{need['id']}/cancel", headers=member.headers)
    assert cancel.status_code == 202
    allocation = {"need_id": need["id"], "member_id": member.body["id"], "quantity": "6"}
    allocation |= {"goods": "228.00", "shipping_share": "0.00", "paid": "228.00"}
    placed = Event.of(
        "pooling.order.placed",
        {
            "order_id": 7,
            "window_id": 1,
            "supplier_id": 1,
            "lines": [
                {
                    "sku": "DISP-10L",
                    "packs": 6,
                    "ordered_quantity": "6",
                    "unit_price": "38.00",
                    "line_total": "228.00",
                    "surplus_quantity": "0",
                    "allocations": [allocation],
                }
            ],
            "shipping_fee": "0.00",
            "total": "228.00",
            "member_savings": [],
        },
    )
    catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), placed)

    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=member.headers).get_json()
    assert (shown["status"], shown["order_id"]) == ("ordered", 7)
