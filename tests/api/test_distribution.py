"""Rule 11's distribution list through pooling's API: the worked example's DISP-10L goes
to the members' sites (whole packs of 1), its SIL-300 to the depot's address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.api.test_after_order import RECEIVED, book, confirmed, receipt
from tests.api.test_order_documents import DEPOT
from tests.api.test_pooling_api import A, B, close, supplier, worked_example

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["worked_example"]  # the fixture, used by name


def test_the_office_sees_who_collects_what_where(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    url = f"/api/v1/orders/{order['id']}/distribution"

    body = worked_example.client.get(url, headers=admin).get_json()

    assert body["depot_address"] == DEPOT
    assert [(d["sku"], d["address"], d["packs"], d["to_depot"]) for d in body["drops"]] == [
        ("DISP-10L", "Firmensitz (Mitglied 1)", 6, False),
        ("DISP-10L", "Firmensitz (Mitglied 3)", 8, False),
        ("SIL-300", DEPOT, 6, True),
    ]
    where = [(p["need_id"], p["quantity"], p["at_depot"], p["received"]) for p in body["pickups"]]
    assert where == [
        (1, "6", False, None),
        (3, "8", False, None),
        (2, "30", True, None),
        (4, "20", True, None),
        (5, "14", True, None),
    ]


def test_each_sees_its_own_part(worked_example: Service, admin: Headers) -> None:
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    url = f"/api/v1/orders/{order_id}/distribution"

    mine = worked_example.client.get(url, headers=worked_example.token("member", 1)).get_json()
    shipped = worked_example.client.get(url, headers=supplier(worked_example, A)).get_json()

    assert [(p["need_id"], p["received"], p["address"]) for p in mine["pickups"]] == [
        (1, "5", "Firmensitz (Mitglied 1)")
    ]
    assert shipped["pickups"] == [] and len(shipped["drops"]) == 3
    other = worked_example.client.get(url, headers=supplier(worked_example, B))
    stranger = worked_example.client.get(url, headers=worked_example.token("member", 9))
    assert (other.status_code, stranger.status_code) == (403, 403)
