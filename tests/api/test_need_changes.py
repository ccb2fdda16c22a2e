"""A member changes an open need before the cutoff (``PATCH /api/v1/needs/{id}``): by the
rules a posted need keeps, announced as ``catalog.need.changed``, which pooling takes
while the need is open in the pool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from pooling.adapters.repository import PoolRepository
from pooling.domain.model import Need as PooledNeed
from shared.db import transaction
from shared.events import Event
from tests.api.conftest import Created, Headers, Service
from tests.api.test_pooling_api import (
    DISP,
    close,
    current_pool,
    feed,
    quantities,
    worked_example,
)

__all__ = ["worked_example"]  # the fixture


@pytest.fixture
def painter(make_member: Callable[..., Created], make_product: Callable[..., Any]) -> Created:
    make_product()
    return make_member()


def post(catalog: Service, member: Created, **fields: str) -> dict[str, Any]:
    body = {"sku": "DISP-10L", "quantity": "12"} | fields
    response = catalog.client.post("/api/v1/needs", json=body, headers=member.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def patch(catalog: Service, need_id: int, headers: Headers, **body: Any):
    return catalog.client.patch(f"/api/v1/needs/{need_id}", json=body, headers=headers)


def test_an_open_need_is_changed_and_pooling_is_told(catalog: Service, painter: Created) -> None:
    need = post(catalog, painter, delivery_site="Hof")
    answer = patch(
        catalog, need["id"], painter.headers, quantity="20", up_to="24", needed_by="2026-12-18"
    )
    assert answer.status_code == 200, answer.get_json()
    changed = answer.get_json()
    assert (changed["quantity"], changed["up_to"], changed["needed_by"]) == (
        "20",
        "24",
        "2026-12-18",
    )
    assert changed["delivery_site"] == "Hof"  # what was not sent stays
    (event,) = catalog.outbox("catalog.need.changed")
    assert event["payload"]["need_id"] == need["id"]
    assert Decimal(event["payload"]["quantity"]) == 20 and Decimal(event["payload"]["up_to"]) == 24
    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=painter.headers).get_json()
    assert shown["quantity"] == "20"
    patch(catalog, need["id"], painter.headers, note="Bitte vormittags")
    assert len(catalog.outbox("catalog.need.changed")) == 1  # a note is not pooling's business
    cleared = patch(catalog, need["id"], painter.headers, up_to=None, delivery_site=None).get_json()
    assert cleared["up_to"] is None and cleared["delivery_site"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": "30", "up_to": "20"}, "up_to"),
        ({"up_to": "5"}, "up_to"),  # below the quantity it has (12)
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"sku": "SIL-300"}, "sku"),
        ({"member_id": 2}, "member_id"),
        ({}, "body"),
    ],
)
def test_a_change_keeps_the_rules_of_a_post(
    catalog: Service, painter: Created, body: dict[str, Any], field: str
) -> None:
    need = post(catalog, painter)
    answer = patch(catalog, need["id"], painter.headers, **body)
    assert answer.status_code == 422 and field in answer.get_json()["details"], answer.get_json()
    assert catalog.outbox("catalog.need.changed") == []


def test_only_an_open_need_of_ones_own_is_changed(
    catalog: Service, painter: Created, make_member: Callable[..., Created], admin: Headers
) -> None:
    need = post(catalog, painter)
    assert patch(catalog, need["id"], make_member().headers, quantity="3").status_code == 403
    assert patch(catalog, 4711, painter.headers, quantity="3").status_code == 404
    assert patch(catalog, need["id"], admin, quantity="3").status_code == 200
    catalog.client.post(f"/api/v1/needs/{need['id']}/cancel", headers=painter.headers)
    refused = patch(catalog, need["id"], painter.headers, quantity="4")
    assert refused.status_code == 409 and "status" in refused.get_json()["details"]


def need_changed(need_id: int, member_id: int, quantity: str, up_to: str | None = None) -> Event:
    return Event.of(
        "catalog.need.changed",
        {
            "need_id": need_id,
            "member_id": member_id,
            "sku": DISP,
            "quantity": Decimal(quantity),
            "up_to": None if up_to is None else Decimal(up_to),
            "needed_by": None,
            "delivery_site": "Baustelle Nord",
            "changed_at": datetime.now(UTC),
        },
    )


def test_pooling_takes_a_change_while_the_need_is_open(worked_example: Service) -> None:
    feed(worked_example, need_changed(1, 1, "11", up_to="15"))  # m1: DISP 6 -> 11
    assert quantities(current_pool(worked_example))[DISP] == 19
    schedule = worked_example.app.extensions["zirkel.schedule"]
    with transaction(worked_example.runtime.sessions) as session:
        pool = PoolRepository(session, schedule)
        window = pool.current_window()
        assert window is not None
        need = next(n for n in pool.open_needs(window.id) if n.need_id == 1)
    assert need == PooledNeed(1, 1, DISP, Decimal(11), "Baustelle Nord", Decimal(15))


def test_a_change_after_the_close_leaves_the_order(worked_example: Service, admin: Headers) -> None:
    closed = close(worked_example, admin)
    feed(worked_example, need_changed(1, 1, "11"))  # too late: m1's DISP 6 is ordered
    for placed in closed["orders"]:
        order = worked_example.client.get(f"/api/v1/orders/{placed['id']}", headers=admin)
        for line in order.get_json()["lines"]:
            for allocation in line["allocations"]:
                if allocation["need_id"] == 1:
                    assert Decimal(allocation["quantity"]) == 6
    assert current_pool(worked_example)["products"] == []
    (refused,) = worked_example.outbox("pooling.need.change_refused")
    assert refused["payload"]["need_id"] == 1 and Decimal(refused["payload"]["quantity"]) == 6


def test_a_refused_change_shows_the_need_as_ordered_again(
    catalog: Service, painter: Created
) -> None:
    from catalog.bootstrap import handlers

    need = post(catalog, painter, delivery_site="Hof", needed_by="2030-03-19")
    changed = {"quantity": "20", "delivery_site": "Nord", "needed_by": "2030-03-12"}
    patch(catalog, need["id"], painter.headers, **changed)
    refused = Event.of(
        "pooling.need.change_refused",
        {"need_id": need["id"], "member_id": need["member_id"], "sku": "DISP-10L"}
        | {"quantity": Decimal(12), "up_to": None, "delivery_site": "Hof"}
        | {"needed_by": date(2030, 3, 19)},
    )
    catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), refused)
    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=painter.headers).get_json()
    assert (Decimal(shown["quantity"]), shown["delivery_site"]) == (12, "Hof")
    assert shown["needed_by"] == "2030-03-19"


def test_a_change_ahead_of_its_post_waits_for_it(pooling: Service) -> None:
    with pytest.raises(LookupError):
        feed(pooling, need_changed(99, 1, "3"))
