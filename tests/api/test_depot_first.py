"""Rule 11 at the close through pooling's API: the worked example's 8 SIL-300 in the depot
serve the next window first, at book value and without fee; only the rest is ordered."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from catalog.bootstrap import handlers as catalog_handlers
from notify.bootstrap import handlers as notify_handlers
from tests.api.test_after_order import book, confirmed, receipt
from tests.api.test_after_order_events import cooperative, need_shown, register_members, tell
from tests.api.test_pooling_api import SIL, close, feed, need_posted, worked_example

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["cooperative", "worked_example"]  # the fixtures, used by name


def received_with_8_in_the_depot(pooling: Service, admin: Headers) -> int:
    order_id = confirmed(pooling, admin)
    response = book(pooling, admin, order_id, receipt({"DISP-10L": "12", SIL: "72"}))
    assert response.status_code == 201, response.get_json()
    return order_id


def test_the_next_window_takes_8_from_the_depot_and_orders_2(
    worked_example: Service, admin: Headers
) -> None:
    first = received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "10"))

    closed = close(worked_example, admin)

    assert closed["depot_allocations"] == [
        {
            "need_id": 6,
            "member_id": 2,
            "sku": SIL,
            "order_id": first,
            "quantity": "8",
            "unit_price": "4.20",
            "goods": "33.60",
            "paid": "33.60",
        }
    ]
    assert closed["from_depot"] == [{"sku": SIL, "quantity": "8", "value": "33.60"}]
    [order] = closed["orders"]
    [line] = order["lines"]
    assert (line["sku"], line["ordered_quantity"], line["surplus_quantity"]) == (SIL, "12", "10")
    [allocation] = line["allocations"]
    assert (allocation["need_id"], allocation["quantity"], allocation["goods"]) == (6, "2", "8.40")
    assert allocation["shipping_share"] == "25.00"  # 50.40 is below A's 500.00
    # m2 alone: 10 SIL-300 is one pack of 12 at 4.20 plus A's fee = 75.40
    assert (closed["members_baseline"], closed["members_paid"]) == ("75.40", "67.00")
    assert closed["members_saved"] == "8.40"
    assert Decimal(closed["total_cost"]) == Decimal("75.40")  # the order alone, no depot part
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    assert (depot["lots"], depot["value"]) == ([], "0.00")
    [out] = [m for m in depot["movements"] if m["kind"] == "to_need"]
    assert (out["need_id"], out["quantity"], out["value"]) == (6, "-8", "-33.60")

    [served] = worked_example.outbox("pooling.depot.served")
    payload = served["payload"]
    assert [(a["need_id"], a["quantity"], a["rest_quantity"]) for a in payload["allocations"]] == [
        (6, "8", "2")
    ]
    assert payload["member_savings"] == [
        {"member_id": 2, "baseline": "75.40", "paid": "67.00", "saved": "8.40"}
        | {"flexibility_saved": "0.00"}
    ]
    placed = worked_example.outbox("pooling.order.placed")[-1]["payload"]
    assert placed["member_savings"] == payload["member_savings"]


def test_a_need_the_depot_serves_whole_is_in_no_order(
    worked_example: Service, admin: Headers
) -> None:
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "5"), need_posted(7, 4, SIL, "5"))

    closed = close(worked_example, admin)

    parts = [(a["need_id"], a["quantity"], a["goods"]) for a in closed["depot_allocations"]]
    assert parts == [(6, "5", "21.00"), (7, "3", "12.60")]  # the earlier need first
    [order] = closed["orders"]
    assert [(a["need_id"], a["quantity"]) for a in order["lines"][0]["allocations"]] == [(7, "2")]
    [served] = worked_example.outbox("pooling.depot.served")
    rests = [(a["need_id"], a["rest_quantity"]) for a in served["payload"]["allocations"]]
    assert rests == [(6, "0"), (7, "2")]
    savings = {s["member_id"]: s["paid"] for s in served["payload"]["member_savings"]}
    assert savings == {2: "21.00", 4: "46.00"}  # the window result: m4 pays its order part too
    placed = worked_example.outbox("pooling.order.placed")[-1]["payload"]
    assert [s["member_id"] for s in placed["member_savings"]] == [4]
    assert placed["member_savings"][0]["paid"] == "46.00"  # 12.60 + 8.40 + 25.00 fee


def test_an_empty_depot_changes_nothing_at_the_close(
    worked_example: Service, admin: Headers
) -> None:
    closed = close(worked_example, admin)
    assert (closed["depot_allocations"], closed["from_depot"]) == ([], [])
    assert worked_example.outbox("pooling.depot.served") == []


def test_catalog_shows_what_the_depot_served(
    catalog: Service, cooperative: dict[int, Any], worked_example: Service, admin: Headers
) -> None:
    m2 = cooperative[2].headers
    for quantity in ("10", "5"):  # need 6: 8 from the depot, 2 ordered; need 7: none left
        body = {"sku": SIL, "quantity": quantity}
        assert catalog.client.post("/api/v1/needs", json=body, headers=m2).status_code == 201
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "10"), need_posted(7, 2, SIL, "5"))
    close(worked_example, admin)
    story = worked_example.outbox()
    [served] = [e for e in story if e["event_type"] == "pooling.depot.served"]

    tell(
        catalog,
        catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox),
        *[e for e in story if e["event_type"].startswith("pooling.order")],
    )
    tell(
        catalog, catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox), served, served
    )  # redelivered

    assert need_shown(catalog, admin, 6)[:2] == ("ordered", 2)
    six = catalog.client.get("/api/v1/needs/6", headers=admin).get_json()
    assert six["depot_quantity"] == "8"


def test_a_need_served_whole_is_served_in_catalog(
    catalog: Service, cooperative: dict[int, Any], worked_example: Service, admin: Headers
) -> None:
    body = {"sku": SIL, "quantity": "5"}
    posted = catalog.client.post("/api/v1/needs", json=body, headers=cooperative[2].headers)
    assert posted.get_json()["id"] == 6
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "5"))
    close(worked_example, admin)
    [served] = worked_example.outbox("pooling.depot.served")

    tell(catalog, catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox), served)

    need = catalog.client.get("/api/v1/needs/6", headers=admin).get_json()
    assert (need["status"], need["order_id"], need["depot_quantity"]) == ("served", None, "5")


def test_notify_counts_the_depot_part_in_the_savings_and_the_report(
    notify: Service, worked_example: Service, admin: Headers
) -> None:
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "10"))
    second = close(worked_example, admin)["window_id"]
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    register_members(notify, react)
    [served] = worked_example.outbox("pooling.depot.served")
    placed = worked_example.outbox("pooling.order.placed")[-1]

    tell(notify, react, served, placed, served)  # the depot's event redelivered

    savings = notify.client.get("/api/v1/members/2/savings", headers=admin).get_json()
    [window] = [w for w in savings["windows"] if w["window_id"] == second]
    assert (window["baseline"], window["paid"], window["saved"]) == ("75.40", "67.00", "8.40")
    listed = notify.client.get("/api/v1/notifications", headers=notify.token("member", 2))
    [report] = [n for n in listed.get_json() if n["kind"] == "savings_report"]
    lines = [(line["quantity"], line["paid"]) for line in report["details"]["lines"]]
    assert sorted(lines) == [("2", "33.40"), ("8", "33.60")]


def test_the_pool_shows_what_the_depot_would_serve_and_prices_the_rest(
    worked_example: Service, admin: Headers
) -> None:
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "10"))

    pool = worked_example.client.get("/api/v1/pools/current", headers=admin).get_json()

    [product] = pool["products"]
    assert (product["sku"], product["quantity"], product["depot_quantity"]) == (SIL, "10", "8")
    [offer] = product["offers"]
    assert (offer["ordered_quantity"], offer["unit_price"]) == ("12", "4.20")  # 2 to order
    assert offer["next_tier"]["missing"] == "118"  # 120 - 2: what the depot holds counts not


def test_the_pool_of_what_the_depot_holds_whole_orders_nothing(
    worked_example: Service, admin: Headers
) -> None:
    received_with_8_in_the_depot(worked_example, admin)
    feed(worked_example, need_posted(6, 2, SIL, "5"))

    pool = worked_example.client.get("/api/v1/pools/current", headers=admin).get_json()

    [product] = pool["products"]
    assert product["depot_quantity"] == "5"
    assert [(o["ordered_quantity"], o["next_tier"]["missing"]) for o in product["offers"]] == [
        ("0", "120")
    ]
