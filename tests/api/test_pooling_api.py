"""Pooling's API on the design's worked example: progress, closing, orders, confirm and reject.

The catalog's events are handed to pooling's reaction handlers as the consumer would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from pooling.adapters import highs
from pooling.bootstrap import handlers
from shared.events import Event

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

A, B = 1, 2
DISP, SIL = "DISP-10L", "SIL-300"
MEMBER_PAID = {1: "228.00", 2: "126.00", 3: "388.00", 4: "58.80"}
MEMBER_BASELINE = {1: "259.00", 2: "176.20", 3: "445.80", 4: "125.80"}
MEMBER_SAVED = {1: "31.00", 2: "50.20", 3: "57.80", 4: "67.00"}


def supplier_updated(supplier_id: int, fee: str, free_from: str | None) -> Event:
    return Event.of(
        "catalog.supplier.updated",
        {
            "supplier_id": supplier_id,
            "name": f"Supplier {supplier_id}",
            "shipping_fee": Decimal(fee),
            "free_shipping_from": None if free_from is None else Decimal(free_from),
        },
    )


def offer_updated(supplier_id: int, sku: str, pack_size: str, tiers: list[tuple[str, str]]):
    return Event.of(
        "catalog.offer.updated",
        {
            "supplier_id": supplier_id,
            "sku": sku,
            "product_name": sku,
            "unit": "piece",
            "pack_size": Decimal(pack_size),
            "tiers": [{"min_quantity": Decimal(q), "unit_price": Decimal(p)} for q, p in tiers],
        },
    )


def need_posted(need_id: int, member_id: int, sku: str, quantity: str) -> Event:
    return Event.of(
        "catalog.need.posted",
        {
            "need_id": need_id,
            "member_id": member_id,
            "sku": sku,
            "quantity": Decimal(quantity),
            "needed_by": None,
            "delivery_site": None,
            "posted_at": datetime.now(UTC),
        },
    )


def need_cancelled(need_id: int, member_id: int, sku: str) -> Event:
    return Event.of(
        "catalog.need.cancelled", {"need_id": need_id, "member_id": member_id, "sku": sku}
    )


# (need id, member id, sku, quantity): m1 DISP 6; m2 SIL 30; m3 DISP 8 and SIL 20; m4 SIL 14.
WORKED_NEEDS = [
    (1, 1, DISP, "6"),
    (2, 2, SIL, "30"),
    (3, 3, DISP, "8"),
    (4, 3, SIL, "20"),
    (5, 4, SIL, "14"),
]


def feed(pooling: Service, *evts: Event) -> None:
    for event in evts:
        pooling.deliver(handlers(pooling.runtime.settings, pooling.runtime.outbox), event)


@pytest.fixture
def worked_example(pooling: Service) -> Service:
    return with_worked_example(pooling)


def with_worked_example(pooling: Service) -> Service:
    """Pooling fed the worked example's suppliers, offers and needs."""
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        supplier_updated(B, "19.00", "300.00"),
        offer_updated(A, DISP, "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")]),
        offer_updated(B, DISP, "1", [("0", "40.00"), ("20", "37.00")]),
        offer_updated(A, SIL, "12", [("0", "4.20"), ("120", "3.60")]),
        *(need_posted(*need) for need in WORKED_NEEDS),
    )
    return pooling


def current_pool(pooling: Service, headers: Headers | None = None) -> dict[str, Any]:
    response = pooling.client.get("/api/v1/pools/current", headers=headers or member(pooling, 1))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def quantities(pool: dict[str, Any]) -> dict[str, Decimal]:
    return {product["sku"]: Decimal(product["quantity"]) for product in pool["products"]}


def member(pooling: Service, member_id: int) -> Headers:
    return pooling.token("member", member_id)


def supplier(pooling: Service, supplier_id: int) -> Headers:
    return pooling.token("supplier", supplier_id)


def close(pooling: Service, admin: Headers) -> dict[str, Any]:
    response = pooling.client.post("/api/v1/pools/close", headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def exact(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order lines with their amounts as Decimals, to compare values, not spellings."""

    def values(row: dict[str, Any]) -> dict[str, Any]:
        text = ("sku", "delivery_site")
        return {
            k: Decimal(v) if isinstance(v, str) and k not in text else v for k, v in row.items()
        }

    return [
        values(line) | {"allocations": [values(a) for a in line["allocations"]]} for line in lines
    ]


def decimals(body: dict[str, Any], *keys: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(body[key]) for key in keys)


def test_pool_progress_shows_each_offer_and_its_next_tier(worked_example: Service) -> None:
    pool = current_pool(worked_example)

    assert isinstance(pool["window_id"], int)
    assert pool["closes_at"]
    assert (pool["needs"], pool["members"]) == (len(WORKED_NEEDS), 4)
    assert quantities(pool) == {DISP: 14, SIL: 64}
    disp, sil = pool["products"]
    at_a = disp["offers"][0]
    assert at_a["supplier_id"] == A
    assert decimals(at_a, "ordered_quantity", "unit_price") == (14, Decimal("38.00"))
    assert decimals(at_a["next_tier"], "min_quantity", "unit_price", "missing") == (
        25,
        Decimal("34.50"),
        11,
    )
    at_b = disp["offers"][1]
    assert at_b["supplier_id"] == B
    assert decimals(at_b, "ordered_quantity", "unit_price") == (14, Decimal("40.00"))
    assert decimals(at_b["next_tier"], "min_quantity", "missing") == (20, 6)
    [sil_at_a] = sil["offers"]
    assert decimals(sil_at_a, "ordered_quantity", "unit_price") == (72, Decimal("4.20"))
    assert decimals(sil_at_a["next_tier"], "min_quantity", "unit_price", "missing") == (
        120,
        Decimal("3.60"),
        56,
    )


def test_closing_the_pool_orders_everything_at_a_and_reports_the_savings(
    worked_example: Service, admin: Headers
) -> None:
    closed = close(worked_example, admin)

    assert Decimal(closed["total_cost"]) == Decimal("834.40")
    assert Decimal(closed["members_saved"]) == Decimal("206.00")
    assert Decimal(closed["members_paid"]) == Decimal("800.80")
    assert Decimal(closed["members_baseline"]) == Decimal("1006.80")
    [order] = closed["orders"]
    assert order["supplier_id"] == A
    assert order["status"] == "placed"
    assert Decimal(order["total"]) == Decimal("834.40")
    assert Decimal(order["shipping_fee"]) == 0
    paid: dict[int, Decimal] = {}
    for line in order["lines"]:
        for allocation in line["allocations"]:
            paid[allocation["member_id"]] = paid.get(allocation["member_id"], 0) + Decimal(
                allocation["paid"]
            )
    assert paid == {m: Decimal(v) for m, v in MEMBER_PAID.items()}
    sil_line = next(line for line in order["lines"] if line["sku"] == SIL)
    assert (sil_line["packs"], Decimal(sil_line["surplus_quantity"])) == (6, 8)

    [placed] = worked_example.outbox("pooling.order.placed")
    assert placed["payload"]["order_id"] == order["id"]
    savings = {s["member_id"]: s for s in placed["payload"]["member_savings"]}
    assert {m: Decimal(s["saved"]) for m, s in savings.items()} == {
        m: Decimal(v) for m, v in MEMBER_SAVED.items()
    }
    assert {m: Decimal(s["baseline"]) for m, s in savings.items()} == {
        m: Decimal(v) for m, v in MEMBER_BASELINE.items()
    }
    assert current_pool(worked_example)["products"] == []


@pytest.mark.parametrize("role", ["member", "supplier"])
def test_only_an_admin_closes_the_pool(worked_example: Service, role: str) -> None:
    response = worked_example.client.post(
        "/api/v1/pools/close", headers=worked_example.token(role, 1)
    )
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "details"}
    assert quantities(current_pool(worked_example)) == {DISP: 14, SIL: 64}
    assert worked_example.outbox("pooling.order.placed") == []


def test_a_supplier_sees_only_its_own_orders(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    client = worked_example.client

    mine = client.get("/api/v1/orders", headers=supplier(worked_example, A)).get_json()
    assert [o["id"] for o in mine] == [order["id"]]
    assert client.get("/api/v1/orders", headers=supplier(worked_example, B)).get_json() == []
    shown = client.get(f"/api/v1/orders/{order['id']}", headers=supplier(worked_example, A))
    assert shown.status_code == 200
    assert exact(shown.get_json()["lines"]) == exact(order["lines"])


def test_a_supplier_cannot_read_another_suppliers_order(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]

    response = worked_example.client.get(
        f"/api/v1/orders/{order['id']}", headers=supplier(worked_example, B)
    )

    assert response.status_code == 403


def test_a_member_sees_only_its_own_allocations(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    client = worked_example.client

    listed = client.get("/api/v1/orders", headers=member(worked_example, 1)).get_json()
    assert [o["id"] for o in listed] == [order["id"]]
    response = client.get(f"/api/v1/orders/{order['id']}", headers=member(worked_example, 1))
    assert response.status_code == 200
    allocations = [a for line in response.get_json()["lines"] for a in line["allocations"]]
    assert [(a["need_id"], a["member_id"], Decimal(a["paid"])) for a in allocations] == [
        (1, 1, Decimal("228.00"))
    ]
    stranger = client.get(f"/api/v1/orders/{order['id']}", headers=member(worked_example, 9))
    assert stranger.status_code == 403
    assert client.get("/api/v1/orders", headers=member(worked_example, 9)).get_json() == []


def test_an_unknown_order_is_not_found(worked_example: Service, admin: Headers) -> None:
    response = worked_example.client.get("/api/v1/orders/999", headers=admin)
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "details"}


def test_the_supplier_confirms_its_order_once(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    url = f"/api/v1/orders/{order['id']}/confirm"
    client = worked_example.client

    assert client.post(url, json={}, headers=supplier(worked_example, B)).status_code == 403
    response = client.post(
        url, json={"expected_delivery": "2030-03-14"}, headers=supplier(worked_example, A)
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "confirmed"
    assert response.get_json()["expected_delivery"] == "2030-03-14"
    [confirmed] = worked_example.outbox("pooling.order.confirmed")
    assert confirmed["payload"]["order_id"] == order["id"]
    assert sorted(confirmed["payload"]["need_ids"]) == [1, 2, 3, 4, 5]
    again = client.post(url, json={}, headers=supplier(worked_example, A))
    assert again.status_code == 409
    assert set(again.get_json()) == {"error", "details"}
    assert len(worked_example.outbox("pooling.order.confirmed")) == 1


def test_a_supplier_may_confirm_without_a_body(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    response = worked_example.client.post(
        f"/api/v1/orders/{order['id']}/confirm", headers=supplier(worked_example, A)
    )
    assert response.status_code == 200


def test_a_rejected_order_puts_its_needs_back_into_the_pool(
    worked_example: Service, admin: Headers
) -> None:
    [first] = close(worked_example, admin)["orders"]
    confirm = f"/api/v1/orders/{first['id']}/confirm"
    assert worked_example.client.post(confirm, json={}, headers=admin).status_code == 200
    feed(worked_example, need_posted(6, 1, DISP, "30"), need_posted(7, 2, DISP, "2"))
    [fresh] = close(worked_example, admin)["orders"]
    assert fresh["id"] != first["id"]
    url = f"/api/v1/orders/{fresh['id']}/reject"

    refused = worked_example.client.post(url, json={}, headers=supplier(worked_example, A))
    assert refused.status_code == 422
    assert "reason" in refused.get_json()["details"]
    response = worked_example.client.post(
        url, json={"reason": "Out of stock until May"}, headers=supplier(worked_example, A)
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "rejected"
    [rejected] = worked_example.outbox("pooling.order.rejected")
    assert sorted(rejected["payload"]["need_ids"]) == [6, 7]
    assert rejected["payload"]["reason"] == "Out of stock until May"
    assert quantities(current_pool(worked_example)) == {DISP: 32}
    assert worked_example.client.post(url, json={"reason": "x"}, headers=admin).status_code == 409
    [again] = close(worked_example, admin)["orders"]
    needs = sorted(a["need_id"] for line in again["lines"] for a in line["allocations"])
    assert needs == [6, 7]


def test_a_cancelled_need_leaves_the_pool(worked_example: Service, admin: Headers) -> None:
    feed(worked_example, need_cancelled(1, 1, DISP))

    pool = current_pool(worked_example)
    assert quantities(pool) == {DISP: 8, SIL: 64}
    assert (pool["needs"], pool["members"]) == (4, 3)  # member 1 posted only that need
    closed = close(worked_example, admin)
    needs = {
        a["need_id"] for o in closed["orders"] for line in o["lines"] for a in line["allocations"]
    }
    assert needs == {2, 3, 4, 5}


def test_a_redelivered_need_is_pooled_once(worked_example: Service) -> None:
    feed(worked_example, need_posted(1, 1, DISP, "6"))

    assert quantities(current_pool(worked_example)) == {DISP: 14, SIL: 64}


def test_a_cancellation_that_overtakes_its_need_keeps_the_need_out(
    worked_example: Service, admin: Headers
) -> None:
    feed(worked_example, need_cancelled(6, 2, DISP), need_posted(6, 2, DISP, "20"))

    assert quantities(current_pool(worked_example)) == {DISP: 14, SIL: 64}
    assert Decimal(close(worked_example, admin)["total_cost"]) == Decimal("834.40")


def test_an_impossibly_large_order_id_is_not_found(pooling: Service, admin: Headers) -> None:
    response = pooling.client.get(f"/api/v1/orders/{10**20}", headers=admin)
    assert response.status_code == 404


def test_a_rejected_order_no_longer_counts_in_its_members_savings(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]
    url = f"/api/v1/orders/{order['id']}/reject"

    response = worked_example.client.post(url, json={"reason": "No stock"}, headers=admin)

    assert response.status_code == 200
    [rejected] = worked_example.outbox("pooling.order.rejected")
    savings = {s["member_id"]: s for s in rejected["payload"]["member_savings"]}
    assert sorted(savings) == [1, 2, 3, 4]
    assert all(Decimal(s[k]) == 0 for s in savings.values() for k in ("baseline", "paid"))


def test_a_product_no_one_offers_stays_open_for_the_next_window_and_is_reported(
    worked_example: Service, admin: Headers
) -> None:
    feed(worked_example, need_posted(6, 2, "GLUE-1", "3"))

    closed = close(worked_example, admin)

    assert [(u["need_id"], u["sku"]) for u in closed["unoffered"]] == [(6, "GLUE-1")]
    assert decimals(closed, "total_cost") == (Decimal("834.40"),)
    pool = current_pool(worked_example)
    assert pool["window_id"] != closed["window_id"]
    assert quantities(pool) == {"GLUE-1": Decimal(3)}


def test_a_cancellation_after_the_close_leaves_the_need_ordered(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]

    feed(worked_example, need_cancelled(1, 1, DISP))

    shown = worked_example.client.get(f"/api/v1/orders/{order['id']}", headers=admin).get_json()
    need_ids = {a["need_id"] for line in shown["lines"] for a in line["allocations"]}
    assert 1 in need_ids
    assert quantities(current_pool(worked_example)) == {}


def test_a_close_that_runs_out_of_time_says_so(
    worked_example: Service, admin: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def out_of_time(model: highs.HighsModel) -> None:
        model.highs.run()  # as far as HiGHS gets, then no solution in time
        raise TimeoutError

    monkeypatch.setattr(highs.HighsModel, "solve", out_of_time)
    worked_example.app.extensions["zirkel.solver"] = highs.HighsSolver(workers=1)

    closed = close(worked_example, admin)

    assert closed["optimal"] is False
    assert Decimal(closed["optimality_gap"]) >= 0
    assert decimals(closed, "total_cost")[0] >= Decimal("834.40")


def test_closing_a_window_that_is_closed_already_is_refused(
    worked_example: Service, admin: Headers
) -> None:
    closed = close(worked_example, admin)

    again = worked_example.client.post(
        "/api/v1/pools/close", json={"window_id": closed["window_id"]}, headers=admin
    )

    assert again.status_code == 409
    assert "window_id" in again.get_json()["details"]
    assert len(worked_example.outbox("pooling.order.placed")) == 1
