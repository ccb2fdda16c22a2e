"""A close with flexible needs, through pooling's events and API: the worked example
with member 3 willing to take up to 20 DISP-10L instead of 8."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from tests.api.conftest import Headers, Service
from tests.api.test_pooling_api import (
    DISP,
    SIL,
    WORKED_NEEDS,
    close,
    current_pool,
    feed,
    need_posted,
    offer_updated,
    supplier_updated,
)

A, B = 1, 2


def flexible(event: Any, up_to: str) -> Any:
    return dataclasses.replace(event, up_to=Decimal(up_to))


def feed_flexible_example(pooling: Service) -> None:
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        supplier_updated(B, "19.00", "300.00"),
        offer_updated(A, DISP, "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")]),
        offer_updated(B, DISP, "1", [("0", "40.00"), ("20", "37.00")]),
        offer_updated(A, SIL, "12", [("0", "4.20"), ("120", "3.60")]),
        *(flexible(need_posted(*n), "20") if n[0] == 3 else need_posted(*n) for n in WORKED_NEEDS),
    )


def test_a_flexible_need_reaches_the_next_tier_and_everyone_pays_less(
    pooling: Service, admin: Headers
) -> None:
    feed_flexible_example(pooling)
    closed = close(pooling, admin)
    # DISP: 6 + 8 + 11 more = 25 at 34.50 (862.50) instead of 14 at 38.00 (532.00)
    [order] = pooling.client.get("/api/v1/orders", headers=admin).get_json()
    disp = next(line for line in order["lines"] if line["sku"] == DISP)
    assert (disp["ordered_quantity"], disp["unit_price"]) == ("25", "34.50")
    by_need = {a["need_id"]: a for a in disp["allocations"]}
    assert (by_need[1]["quantity"], by_need[1]["extra_quantity"], by_need[1]["paid"]) == (
        "6",
        "0",
        "207.00",
    )
    assert (by_need[3]["quantity"], by_need[3]["extra_quantity"], by_need[3]["paid"]) == (
        "19",
        "11",
        "655.50",
    )
    assert closed["total_cost"] == "1164.90"

    (placed,) = pooling.outbox("pooling.order.placed")
    savings = {s["member_id"]: s for s in placed["payload"]["member_savings"]}
    assert savings[1]["flexibility_saved"] == "21.00"  # 6 x (38.00 - 34.50)
    assert savings[3]["flexibility_saved"] == "28.00"  # 8 x (38.00 - 34.50)
    assert savings[2]["flexibility_saved"] == "0.00"


def test_the_pool_shows_how_much_more_flexibility_reaches_the_next_tier(
    pooling: Service,
) -> None:
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        offer_updated(A, DISP, "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")]),
        need_posted(1, 1, DISP, "6"),
        flexible(need_posted(3, 3, DISP, "8"), "14"),
    )
    pool = current_pool(pooling)
    (product,) = pool["products"]
    assert product["flexible"] == "6"
    (offer,) = product["offers"]
    assert offer["next_tier"] | {} == {
        "min_quantity": "25",
        "unit_price": "34.50",
        "missing": "11",
        "missing_flexible": "5",
    }


def test_a_flexible_order_is_confirmed_and_received_with_its_extra(
    pooling: Service, admin: Headers
) -> None:
    feed_flexible_example(pooling)
    [order] = close(pooling, admin)["orders"]
    confirm = f"/api/v1/orders/{order['id']}/confirm"
    answer = pooling.client.post(confirm, json={}, headers=pooling.token("supplier", A))
    assert answer.status_code == 200, answer.get_json()
    body = {
        "lines": [{"sku": DISP, "received_quantity": "25"}, {"sku": SIL, "received_quantity": "72"}]
    }
    receipt = f"/api/v1/orders/{order['id']}/receipt"
    booked = pooling.client.post(receipt, json=body, headers=admin)
    assert booked.status_code == 201, booked.get_json()
    disp = next(line for line in booked.get_json()["lines"] if line["sku"] == DISP)
    by_need = {a["need_id"]: a for a in disp["allocations"]}
    assert (by_need[3]["received"], by_need[3]["extra_quantity"]) == ("19", "11")
    assert (by_need[3]["paid"], disp["depot_quantity"]) == ("655.50", "0")
