"""After the order through pooling's API (design.md "After the order", rules 8-11): the
worked example continued: confirmed, received short, the depot's stock and write-offs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.test_pooling_api import DISP, SIL, A, close, supplier, worked_example

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["worked_example"]  # the fixture, used by name

RECEIVED = {DISP: "12", SIL: "72"}


def confirmed(pooling: Service, admin: Headers) -> int:
    [order] = close(pooling, admin)["orders"]
    url = f"/api/v1/orders/{order['id']}/confirm"
    response = pooling.client.post(
        url, json={"expected_delivery": "2030-03-14"}, headers=supplier(pooling, A)
    )
    assert response.status_code == 200, response.get_json()
    return order["id"]


def receipt(received: dict[str, str], **more: Any) -> dict[str, Any]:
    lines = [{"sku": sku, "received_quantity": q} for sku, q in received.items()]
    return {"lines": lines} | more


def book(pooling: Service, admin: Headers, order_id: int, body: dict[str, Any]) -> Any:
    return pooling.client.post(f"/api/v1/orders/{order_id}/receipt", json=body, headers=admin)


def by_member(order: dict[str, Any], key: str) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in order["lines"]:
        for a in line["allocations"]:
            totals[a["member_id"]] = totals.get(a["member_id"], Decimal(0)) + Decimal(a[key])
    return totals


def test_the_worked_example_received_short_to_the_cent(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)

    response = book(worked_example, admin, order_id, receipt(RECEIVED))

    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["status"] == "received"
    disp, sil = order["lines"]
    assert (disp["received_quantity"], disp["depot_quantity"]) == ("12", "0")
    assert (sil["received_quantity"], sil["depot_quantity"]) == ("72", "8")
    received = by_member(order, "received")
    assert received == {1: 5, 2: 30, 3: 27, 4: 14}
    assert [a["received"] for a in sil["allocations"] if a["member_id"] == 3] == ["20"]
    paid = {1: "190.00", 2: "126.00", 3: "350.00", 4: "58.80"}
    assert by_member(order, "paid") == {m: Decimal(p) for m, p in paid.items()}
    assert Decimal(order["total"]) == Decimal("758.40")
    [event] = worked_example.outbox("pooling.order.received")
    savings = {s["member_id"]: s["saved"] for s in event["payload"]["member_savings"]}
    assert savings == {1: "29.00", 2: "50.20", 3: "69.80", 4: "67.00"}
    assert event["payload"]["short"] is True
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    assert [(lot["sku"], lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [
        (SIL, "8", "33.60")
    ]
    assert (depot["lots"][0]["order_id"], depot["lots"][0]["unit_price"]) == (order_id, "4.20")
    assert depot["value"] == "33.60"


def test_a_second_receipt_is_refused_and_changes_nothing(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201

    again = book(worked_example, admin, order_id, receipt({DISP: "14", SIL: "72"}))

    assert again.status_code == 409
    assert set(again.get_json()) == {"error", "details"}
    assert "status" in again.get_json()["details"]
    assert len(worked_example.outbox("pooling.order.received")) == 1
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    assert depot["value"] == "33.60"


def test_a_placed_or_rejected_order_cannot_be_received(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]

    placed = book(worked_example, admin, order["id"], receipt(RECEIVED))
    url = f"/api/v1/orders/{order['id']}/reject"
    assert worked_example.client.post(url, json={"reason": "x"}, headers=admin).status_code == 200
    rejected = book(worked_example, admin, order["id"], receipt(RECEIVED))

    assert (placed.status_code, rejected.status_code) == (409, 409)
    assert "placed" in placed.get_json()["error"]
    assert "rejected" in rejected.get_json()["error"]
    assert worked_example.outbox("pooling.order.received") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (receipt({DISP: "-1", SIL: "72"}), "lines"),
        (receipt({DISP: "12.0001", SIL: "72"}), "lines"),
        (receipt({DISP: 12, SIL: "72"}), "lines"),
        (receipt({DISP: "12"}), "lines"),
        (receipt({DISP: "12", SIL: "72", "GLUE-1": "1"}), "lines"),
        ({"lines": [{"sku": DISP, "received_quantity": "1"}] * 2}, "lines"),
        (receipt({DISP: "12", SIL: "73"}), "received_quantity"),
        (receipt(RECEIVED, extra_to_depot=["GLUE-1"]), "extra_to_depot"),
        ({}, "lines"),
    ],
)
def test_bad_receipts_are_refused_by_field_and_store_nothing(
    worked_example: Service, admin: Headers, body: dict[str, Any], field: str
) -> None:
    order_id = confirmed(worked_example, admin)

    response = book(worked_example, admin, order_id, body)

    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["details"]
    shown = worked_example.client.get(f"/api/v1/orders/{order_id}", headers=admin).get_json()
    assert shown["status"] == "confirmed"
    assert worked_example.client.get("/api/v1/depot", headers=admin).get_json()["lots"] == []


def test_over_delivery_taken_into_the_depot(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)

    body = receipt({DISP: "15", SIL: "72"}, extra_to_depot=[DISP])
    response = book(worked_example, admin, order_id, body)

    assert response.status_code == 201, response.get_json()
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    lots = {lot["sku"]: (lot["quantity"], lot["book_value"]) for lot in depot["lots"]}
    assert lots == {DISP: ("1", "38.00"), SIL: ("8", "33.60")}
    kinds = [(m["kind"], m["sku"], m["quantity"]) for m in depot["movements"]]
    assert kinds == [("over_delivery", DISP, "1"), ("surplus", SIL, "8")]
    assert depot["value"] == "71.60"


def test_a_write_off_leaves_the_rest_of_the_lot(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    url, client = "/api/v1/depot/write-offs", worked_example.client
    write_off = {"sku": SIL, "order_id": order_id, "quantity": "3", "reason": "Kartusche undicht"}

    too_much = client.post(url, json=write_off | {"quantity": "9"}, headers=admin)
    no_reason = client.post(url, json=write_off | {"reason": " "}, headers=admin)
    no_lot = client.post(url, json=write_off | {"sku": DISP}, headers=admin)
    no_order = client.post(url, json=write_off | {"order_id": 999}, headers=admin)
    response = client.post(url, json=write_off, headers=admin)

    assert (too_much.status_code, no_reason.status_code, no_lot.status_code) == (422, 422, 422)
    assert "quantity" in too_much.get_json()["details"]
    assert "reason" in no_reason.get_json()["details"]
    assert "sku" in no_lot.get_json()["details"]
    assert (no_order.status_code, list(no_order.get_json()["details"])) == (422, ["order_id"])
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["quantity"], response.get_json()["value"]) == ("-3", "-12.60")
    depot = client.get("/api/v1/depot", headers=admin).get_json()
    assert [(lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [("5", "21.00")]
    assert depot["value"] == "21.00"
    assert depot["movements"][-1]["reason"] == "Kartusche undicht"


def correct(pooling: Service, admin: Headers, order_id: int, body: dict[str, Any]) -> Any:
    return pooling.client.put(f"/api/v1/orders/{order_id}/receipt", json=body, headers=admin)


def test_the_office_corrects_a_receipt_and_every_booking_is_kept(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    assert correct(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 409
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201

    response = correct(worked_example, admin, order_id, receipt({DISP: "14", SIL: "70"}))

    assert response.status_code == 200, response.get_json()
    order = response.get_json()
    assert by_member(order, "received") == {1: 6, 2: 30, 3: 28, 4: 14}
    assert by_member(order, "paid")[1] == Decimal("228.00")
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    assert [(lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [("6", "25.20")]
    assert [(m["quantity"], m["reason"]) for m in depot["movements"]] == [
        ("8", ""),
        ("-2", "receipt corrected"),
    ]
    first, second = worked_example.outbox("pooling.order.received")
    assert (first["payload"]["revision"], second["payload"]["revision"]) == (0, 1)
    savings = {s["member_id"]: s["saved"] for s in second["payload"]["member_savings"]}
    assert savings[1] == "31.00"  # back to the placed order's figures: all 6 arrived
    url = f"/api/v1/orders/{order_id}/receipts"
    kept = worked_example.client.get(url, headers=admin).get_json()
    assert [
        (r["revision"], {line["sku"]: line["received_quantity"] for line in r["lines"]})
        for r in kept
    ] == [(0, RECEIVED), (1, {DISP: "14", SIL: "70"})]


def test_a_correction_cannot_take_back_stock_that_left_the_depot(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    write_off = {"sku": SIL, "order_id": order_id, "quantity": "5", "reason": "Bruch"}
    url = "/api/v1/depot/write-offs"
    assert worked_example.client.post(url, json=write_off, headers=admin).status_code == 201

    response = correct(worked_example, admin, order_id, receipt({DISP: "12", SIL: "64"}))

    assert response.status_code == 422
    assert "received_quantity" in response.get_json()["details"]
    assert len(worked_example.outbox("pooling.order.received")) == 1


def test_a_line_of_which_nothing_arrived(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)

    response = book(worked_example, admin, order_id, receipt({DISP: "0", SIL: "72"}))

    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert by_member(order, "received") == {1: 0, 2: 30, 3: 20, 4: 14}
    assert by_member(order, "paid")[1] == 0
    [event] = worked_example.outbox("pooling.order.received")
    savings = {
        s["member_id"]: (s["baseline"], s["paid"]) for s in event["payload"]["member_savings"]
    }
    assert savings[1] == ("0.00", "0.00")  # nothing arrived, nothing to save on


def test_the_receipts_of_an_unknown_order_are_not_found(pooling: Service, admin: Headers) -> None:
    response = pooling.client.get("/api/v1/orders/999/receipts", headers=admin)
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "details"}
