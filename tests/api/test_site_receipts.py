"""Rule 10 at a delivery site through pooling's API: the member there books what arrived
there, for its site only; the sites' parts become the order's receipt once they are all
of it, else the office books the whole order as before."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.events import Event
from tests.api.test_after_order import book, confirmed, receipt
from tests.api.test_pooling_api import (
    DISP,
    SIL,
    A,
    feed,
    need_posted,
    offer_updated,
    supplier_updated,
    worked_example,
)

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["worked_example"]  # the fixture, used by name


def at_site(pooling: Service, member_id: int, order_id: int, body: dict[str, Any]) -> Any:
    url = f"/api/v1/orders/{order_id}/site-receipt"
    return pooling.client.post(url, json=body, headers=pooling.token("member", member_id))


def test_a_member_books_its_site_and_the_office_still_books_the_order(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    body = {"delivery_site": None, "lines": [{"sku": SIL, "received_quantity": "30"}]}

    response = at_site(worked_example, 2, order_id, body)

    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "status": "confirmed",  # the other sites and the depot's address still to come
        "sites": [
            {
                "member_id": 2,
                "delivery_site": "Firmensitz",
                "lines": [{"sku": SIL, "received_quantity": "30"}],
            }
        ],
    }
    again = at_site(worked_example, 2, order_id, body)
    assert again.status_code == 409 and again.get_json()["details"].keys() == {"delivery_site"}
    listed = worked_example.client.get(f"/api/v1/orders/{order_id}/site-receipts", headers=admin)
    assert [s["member_id"] for s in listed.get_json()] == [2]
    booked = book(worked_example, admin, order_id, receipt({DISP: "12", SIL: "72"}))
    assert booked.status_code == 201  # the office books the whole order
    late = at_site(
        worked_example, 4, order_id, {"lines": [{"sku": SIL, "received_quantity": "14"}]}
    )
    assert late.status_code == 409  # received already


def test_a_member_books_only_its_own_lines_and_sites(
    worked_example: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    cases = [
        (2, {"lines": [{"sku": DISP, "received_quantity": "1"}]}, 422, "lines"),  # m2: no DISP
        (2, {"lines": [{"sku": SIL, "received_quantity": "73"}]}, 422, "received_quantity"),
        (2, {"lines": [{"sku": SIL, "received_quantity": "-1"}]}, 422, "lines"),
        (2, {"delivery_site": "Baustelle", "lines": [{"sku": SIL, "received_quantity": "30"}]},
         422, "delivery_site"),
        (3, {"lines": [{"sku": SIL, "received_quantity": "20"}]}, 422, "lines"),  # DISP missing
        (9, {"lines": [{"sku": SIL, "received_quantity": "1"}]}, 403, None),
    ]  # fmt: skip
    for member_id, body, status, field in cases:
        response = at_site(worked_example, member_id, order_id, body)
        assert response.status_code == status, (body, response.get_json())
        if field is not None:
            assert field in response.get_json()["details"], response.get_json()
    office = worked_example.client.post(
        f"/api/v1/orders/{order_id}/site-receipt", json=cases[0][1], headers=admin
    )
    assert office.status_code == 403
    listed = worked_example.client.get(f"/api/v1/orders/{order_id}/site-receipts", headers=admin)
    assert listed.get_json() == []  # nothing stored


def test_when_the_sites_are_all_of_the_order_their_parts_are_its_receipt(
    pooling: Service, admin: Headers
) -> None:
    """Two members at their sites, whole packs each (no surplus for the depot's address):
    the second site's booking books the order, a shortfall cut by rule 10."""
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        offer_updated(A, SIL, "12", [("0", "4.20")]),
        _at(need_posted(1, 1, SIL, "12"), "Baustelle Hafen"),
        need_posted(2, 2, SIL, "24"),
    )
    order_id = confirmed(pooling, admin)
    first = {"delivery_site": "Baustelle Hafen", "lines": [{"sku": SIL, "received_quantity": "12"}]}
    assert at_site(pooling, 1, order_id, first).get_json()["status"] == "confirmed"

    response = at_site(pooling, 2, order_id, {"lines": [{"sku": SIL, "received_quantity": "21"}]})

    assert response.status_code == 201 and response.get_json()["status"] == "received"
    order = pooling.client.get(f"/api/v1/orders/{order_id}", headers=admin).get_json()
    [line] = order["lines"]
    assert line["received_quantity"] == "33"
    got = {a["need_id"]: a["received"] for a in line["allocations"]}
    assert got == {1: "11", 2: "22"}  # the shortfall of 3 cut over the line by rule 10
    assert Decimal(order["total"]) == Decimal("138.60") + Decimal("25.00")


def _at(event: Event, site: str) -> Event:
    return Event.of(
        event.event_type, event.payload | {"delivery_site": site}, occurred_at=datetime.now(UTC)
    )
