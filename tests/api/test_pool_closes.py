"""The latest pool closes, as the operations page shows them (admins only)."""

from __future__ import annotations

from tests.api.conftest import Headers, Service
from tests.api.test_pooling_api import (
    DISP,
    close,
    feed,
    need_posted,
    offer_updated,
    supplier_updated,
)


def test_the_latest_close_comes_first_with_its_orders_cost_and_savings(
    pooling: Service, admin: Headers
) -> None:
    feed(
        pooling,
        supplier_updated(1, "25.00", "500.00"),
        offer_updated(1, DISP, "1", [("0", "42.00"), ("10", "38.00")]),
        need_posted(1, 1, DISP, "6"),
        need_posted(2, 2, DISP, "8"),
    )
    assert pooling.client.get("/api/v1/pools/closed", headers=admin).get_json() == []
    closed = close(pooling, admin)

    [last] = pooling.client.get("/api/v1/pools/closed", headers=admin).get_json()

    assert last["window_id"] == closed["window_id"]
    # 14 at 38.00 = 532.00 with free shipping; alone 6 x 42 + 25 and 8 x 42 + 25 = 638.00
    assert (last["orders"], last["total_cost"], last["members_saved"]) == (1, "532.00", "106.00")
    assert last["closed_at"] and last["optimal"] is True


def test_a_wrong_limit_is_refused_naming_the_field(pooling: Service, admin: Headers) -> None:
    response = pooling.client.get("/api/v1/pools/closed?limit=0", headers=admin)
    assert response.status_code == 422
    assert "limit" in response.get_json()["details"]
