"""A receipt shown before it is booked (``?dry_run=true``): rule 10's split with the
same checks as booking, and nothing stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.api.test_after_order import RECEIVED, by_member, confirmed, receipt
from tests.api.test_pooling_api import DISP, SIL, worked_example

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["worked_example"]  # the fixture, used by name


def preview(pooling: Service, admin: Headers, order_id: int, body: dict, method: str = "post"):
    url = f"/api/v1/orders/{order_id}/receipt?dry_run=true"
    return getattr(pooling.client, method)(url, json=body, headers=admin)


def test_the_split_is_shown_and_nothing_is_booked(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)

    response = preview(worked_example, admin, order_id, receipt(RECEIVED))

    assert response.status_code == 200, response.get_json()
    split = response.get_json()
    assert split["short"] is True and split["total"] == "758.40"
    disp, sil = split["lines"]
    assert (disp["received_quantity"], disp["depot_quantity"]) == ("12", "0")
    assert (sil["depot_quantity"], sil["depot_value"]) == ("8", "33.60")
    assert by_member(split, "received") == {1: 5, 2: 30, 3: 27, 4: 14}
    paid = by_member(split, "paid")
    assert {m: str(p) for m, p in paid.items()} == {
        1: "190.00",
        2: "126.00",
        3: "350.00",
        4: "58.80",
    }
    order = worked_example.client.get(f"/api/v1/orders/{order_id}", headers=admin).get_json()
    assert order["status"] == "confirmed"
    assert worked_example.outbox("pooling.order.received") == []
    depot = worked_example.client.get("/api/v1/depot", headers=admin).get_json()
    assert depot["movements"] == [] and depot["value"] == "0.00"


def test_the_preview_refuses_what_booking_refuses(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)

    over = preview(worked_example, admin, order_id, receipt({DISP: "15", SIL: "72"}))
    correcting = preview(worked_example, admin, order_id, receipt(RECEIVED), method="put")

    assert over.status_code == 422
    assert "received_quantity" in over.get_json()["details"]
    assert correcting.status_code == 409  # nothing booked yet to correct
