"""The catalog API the web pages read and write through: the product index, members'
names, a member's flexibility, deactivating and reactivating a member or a supplier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api.conftest import Created, Headers, Service


def test_the_product_index_lists_every_product_or_those_asked(
    catalog: Service, admin: Headers, make_member: Callable[..., Created], make_product: Any
) -> None:
    for n in range(60):  # more than a search answers
        make_product(sku=f"P-{n:03}", name=f"Produkt {n}")
    member = make_member()
    every = catalog.client.get("/api/v1/product-index", headers=member.headers)
    assert every.status_code == 200
    assert [p["sku"] for p in every.get_json()] == [f"P-{n:03}" for n in range(60)]
    asked = catalog.client.get(
        "/api/v1/product-index?sku=P-007&sku=P-042&sku=NONE", headers=admin
    ).get_json()
    assert asked == [
        {"id": 8, "sku": "P-007", "name": "Produkt 7", "unit": "bucket", "vat_rate": "19"},
        {"id": 43, "sku": "P-042", "name": "Produkt 42", "unit": "bucket", "vat_rate": "19"},
    ]
    assert catalog.client.get("/api/v1/product-index").status_code == 401


def test_member_names_for_the_office_and_a_supplier_never_a_member(
    catalog: Service,
    admin: Headers,
    make_member: Callable[..., Created],
    make_supplier: Callable[..., Created],
) -> None:
    one, two = make_member(name="Maler Eins"), make_member(name="Maler Zwei")
    supplier = make_supplier()
    path = f"/api/v1/member-names?id={two.id}&id={one.id}&id=99999999999999"
    expected = [{"id": one.id, "name": "Maler Eins"}, {"id": two.id, "name": "Maler Zwei"}]
    assert catalog.client.get(path, headers=admin).get_json() == expected
    assert catalog.client.get(path, headers=supplier.headers).get_json() == expected
    assert catalog.client.get(path, headers=one.headers).status_code == 403
    refused = catalog.client.get("/api/v1/member-names?id=x1", headers=admin)
    assert refused.status_code == 400
    assert "id" in refused.get_json()["details"]


def test_a_member_sets_its_own_flexibility_and_no_one_elses(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    one, two = make_member(), make_member()
    path = f"/api/v1/members/{one.id}/flexibility"
    answer = catalog.client.put(path, json={"flexible_percent": 10}, headers=one.headers)
    assert answer.status_code == 200
    assert answer.get_json()["flexible_percent"] == 10
    shown = catalog.client.get(f"/api/v1/members/{one.id}", headers=one.headers).get_json()
    assert shown["flexible_percent"] == 10
    assert (
        catalog.client.put(path, json={"flexible_percent": 5}, headers=two.headers).status_code
        == 403
    )
    too_much = catalog.client.put(path, json={"flexible_percent": 51}, headers=admin)
    assert too_much.status_code == 422
    assert "flexible_percent" in too_much.get_json()["details"]
    cleared = catalog.client.put(path, json={"flexible_percent": None}, headers=admin)
    assert cleared.get_json()["flexible_percent"] is None


def test_the_office_deactivates_and_reactivates_a_member_and_a_supplier(
    catalog: Service,
    admin: Headers,
    make_member: Callable[..., Created],
    make_supplier: Callable[..., Created],
) -> None:
    member, supplier = make_member(), make_supplier()
    for kind, record in (("members", member), ("suppliers", supplier)):
        off = catalog.client.post(f"/api/v1/{kind}/{record.id}/deactivate", headers=admin)
        assert off.status_code == 200
        assert off.get_json()["active"] is False
        on = catalog.client.post(f"/api/v1/{kind}/{record.id}/reactivate", headers=admin)
        assert on.get_json()["active"] is True
        own = catalog.client.post(f"/api/v1/{kind}/{record.id}/deactivate", headers=record.headers)
        assert own.status_code == 403
    missing = catalog.client.post("/api/v1/members/4711/deactivate", headers=admin)
    assert missing.status_code == 404
    updates = catalog.outbox("catalog.member.registered")
    assert [event["payload"]["active"] for event in updates[-2:]] == [False, True]


def test_a_refused_price_list_names_each_problem_to_translate(
    catalog: Service, make_supplier: Callable[..., Created]
) -> None:
    supplier = make_supplier()
    answer = catalog.client.post(
        f"/api/v1/price-lists/{supplier.id}",
        data=b"x" * (1024 * 1024 + 1),
        content_type="text/csv",
        headers=supplier.headers,
    )
    assert answer.status_code == 422
    details = answer.get_json()["details"]
    (row,), (template,) = details["rows"], details["templates"]
    assert row["message"] == "The price list is larger than 1024 KiB; split it into parts."
    assert template == {
        "template": "The price list is larger than %(kib)s KiB; split it into parts.",
        "values": {"kib": 1024},
    }


def test_the_offices_ops_overview_in_one_answer(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    answer = catalog.client.get("/api/v1/ops/overview?minutes=5", headers=admin)
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"queues", "services", "alerts", "history"}
    assert all("since" in alert for alert in body["alerts"])
    member = make_member()
    assert catalog.client.get("/api/v1/ops/overview", headers=member.headers).status_code == 403
    audit = catalog.client.get("/api/v1/ops/audit?queue=nothing.dlq", headers=admin)
    assert audit.status_code == 200
    assert audit.get_json() == []
