"""A member's cancellation is decided by pooling, which owns the close.

Catalog answers 202 and shows ``cancel_requested``; pooling withdraws the need (and says so
with ``pooling.need.withdrawn``) unless a close has ordered it (then the order placed says
so). Catalog follows either verdict, once, whatever order the events come in.
"""

from __future__ import annotations

from typing import Any

import pytest

from catalog.bootstrap import handlers
from shared.events import Event
from tests.api.conftest import Headers, Service
from tests.api.test_pooling_api import (
    DISP,
    close,
    current_pool,
    feed,
    need_cancelled,
    need_posted,
    quantities,
    supplier,
    with_worked_example,
)

# pooling's verdicts


@pytest.fixture
def worked_example(pooling: Service) -> Service:
    return with_worked_example(pooling)


def withdrawn_needs(pooling: Service) -> list[int]:
    return [e["payload"]["need_id"] for e in pooling.outbox("pooling.need.withdrawn")]


def ordered_needs(closed: dict[str, Any]) -> set[int]:
    return {
        a["need_id"] for o in closed["orders"] for line in o["lines"] for a in line["allocations"]
    }


def test_a_cancellation_before_the_close_withdraws_the_need(
    worked_example: Service, admin: Headers
) -> None:
    feed(worked_example, need_cancelled(1, 1, DISP))

    assert withdrawn_needs(worked_example) == [1]
    assert 1 not in ordered_needs(close(worked_example, admin))


def test_a_cancellation_after_the_close_is_too_late_and_withdraws_nothing(
    worked_example: Service, admin: Headers
) -> None:
    closed = close(worked_example, admin)

    feed(worked_example, need_cancelled(1, 1, DISP))

    assert withdrawn_needs(worked_example) == []  # the order placed tells catalog
    [order] = worked_example.outbox("pooling.order.placed")
    assert 1 in {a["need_id"] for line in order["payload"]["lines"] for a in line["allocations"]}
    assert 1 in ordered_needs(closed)


def test_a_cancellation_that_overtakes_its_post_withdraws_the_need(
    worked_example: Service, admin: Headers
) -> None:
    feed(worked_example, need_cancelled(6, 2, DISP))
    assert withdrawn_needs(worked_example) == [6]  # at once: its post will stay out

    feed(worked_example, need_posted(6, 2, DISP, "20"))

    assert 6 not in ordered_needs(close(worked_example, admin))


def test_a_second_cancellation_withdraws_nothing_more(worked_example: Service) -> None:
    """The two events have two ids (the inbox keeps neither out): the need's state does."""
    feed(worked_example, need_cancelled(1, 1, DISP), need_cancelled(1, 1, DISP))

    assert withdrawn_needs(worked_example) == [1]
    assert quantities(current_pool(worked_example))[DISP] == 8


def test_a_second_cancellation_ahead_of_the_post_withdraws_nothing_more(
    worked_example: Service, admin: Headers
) -> None:
    feed(worked_example, need_cancelled(6, 2, DISP), need_cancelled(6, 2, DISP))
    feed(worked_example, need_posted(6, 2, DISP, "20"))

    assert withdrawn_needs(worked_example) == [6]
    assert 6 not in ordered_needs(close(worked_example, admin))


def test_a_need_back_from_a_rejected_order_can_be_withdrawn(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]
    reject = worked_example.client.post(
        f"/api/v1/orders/{order['id']}/reject",
        json={"reason": "x"},
        headers=supplier(worked_example, 1),
    )
    assert reject.status_code == 200, reject.get_json()

    feed(worked_example, need_cancelled(1, 1, DISP))

    assert withdrawn_needs(worked_example) == [1]
    assert 1 not in ordered_needs(close(worked_example, admin))


# catalog follows the verdict


@pytest.fixture
def requested(catalog: Service, make_member: Any, make_product: Any) -> dict[str, Any]:
    """A need whose cancellation waits for pooling's verdict."""
    make_product("DISP-10L")
    owner = make_member()
    body = {"sku": "DISP-10L", "quantity": "6"}
    need = catalog.client.post("/api/v1/needs", json=body, headers=owner.headers).get_json()
    cancel = catalog.client.post(f"/api/v1/needs/{need['id']}/cancel", headers=owner.headers)
    assert (cancel.status_code, cancel.get_json()["status"]) == (202, "cancel_requested")
    return need | {"headers": owner.headers}


def withdrawn(need: dict[str, Any]) -> Event:
    payload = {"need_id": need["id"], "member_id": need["member_id"], "sku": need["sku"]}
    return Event.of("pooling.need.withdrawn", payload)


def order_placed(need: dict[str, Any], order_id: int) -> Event:
    allocation = {"need_id": need["id"], "member_id": need["member_id"], "quantity": "6"}
    allocation |= {"goods": "228.00", "shipping_share": "0.00", "paid": "228.00"}
    line = {"sku": "DISP-10L", "packs": 6, "ordered_quantity": "6", "unit_price": "38.00"}
    line |= {"line_total": "228.00", "surplus_quantity": "0", "allocations": [allocation]}
    return Event.of(
        "pooling.order.placed",
        {
            "order_id": order_id,
            "window_id": 1,
            "supplier_id": 1,
            "lines": [line],
            "shipping_fee": "0.00",
            "total": "228.00",
            "member_savings": [],
        },
    )


def order_rejected(need: dict[str, Any], order_id: int) -> Event:
    payload = {"order_id": order_id, "window_id": 1, "supplier_id": 1, "need_ids": [need["id"]]}
    return Event.of("pooling.order.rejected", payload | {"reason": "x", "member_savings": []})


def shown(catalog: Service, need: dict[str, Any]) -> tuple[str, int | None]:
    body = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=need["headers"]).get_json()
    return body["status"], body["order_id"]


def test_a_withdrawn_need_is_cancelled_once_and_a_cancel_then_answers_200(
    catalog: Service, requested: dict[str, Any]
) -> None:
    verdict = withdrawn(requested)
    catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), verdict)
    catalog.deliver(
        handlers(catalog.runtime.settings, catalog.runtime.outbox), verdict
    )  # redelivered
    catalog.deliver(
        handlers(catalog.runtime.settings, catalog.runtime.outbox), withdrawn(requested)
    )  # announced again

    assert shown(catalog, requested) == ("cancelled", None)
    again = catalog.client.post(
        f"/api/v1/needs/{requested['id']}/cancel", headers=requested["headers"]
    )
    assert (again.status_code, again.get_json()["status"]) == (200, "cancelled")
    assert len(catalog.outbox("catalog.need.cancelled")) == 1  # pooling is not asked again


def test_a_withdrawal_announced_again_changes_and_publishes_nothing(
    catalog: Service, requested: dict[str, Any]
) -> None:
    """Pooling's verdict sent twice under two event ids: the second is harmless."""
    react = handlers(catalog.runtime.settings, catalog.runtime.outbox)
    catalog.deliver(react, withdrawn(requested))
    url = f"/api/v1/needs/{requested['id']}"
    before = catalog.client.get(url, headers=requested["headers"]).get_json()
    published = catalog.outbox()

    catalog.deliver(react, withdrawn(requested))

    assert catalog.client.get(url, headers=requested["headers"]).get_json() == before
    assert before["status"] == "cancelled"
    assert catalog.outbox() == published


def test_a_cancellation_too_late_ends_ordered_and_a_cancel_then_conflicts(
    catalog: Service, requested: dict[str, Any]
) -> None:
    placed = order_placed(requested, 7)
    catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), placed)
    catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), placed)

    assert shown(catalog, requested) == ("ordered", 7)
    again = catalog.client.post(
        f"/api/v1/needs/{requested['id']}/cancel", headers=requested["headers"]
    )
    assert again.status_code == 409
    assert again.get_json()["details"] == {
        "status": ["The need is ordered and can no longer be cancelled."]
    }


def test_an_old_order_handled_after_the_withdrawal_leaves_the_need_cancelled(
    catalog: Service, requested: dict[str, Any]
) -> None:
    """Order 7 was rejected and the need, back in the pool, withdrawn; with competing
    consumers catalog may learn of the withdrawal before the order and its rejection."""
    for event in (withdrawn(requested), order_placed(requested, 7), order_rejected(requested, 7)):
        catalog.deliver(handlers(catalog.runtime.settings, catalog.runtime.outbox), event)

    assert shown(catalog, requested) == ("cancelled", None)


def test_a_need_ordered_rejected_and_then_withdrawn_ends_cancelled(
    catalog: Service, requested: dict[str, Any]
) -> None:
    catalog.deliver(
        handlers(catalog.runtime.settings, catalog.runtime.outbox), order_placed(requested, 7)
    )
    catalog.deliver(
        handlers(catalog.runtime.settings, catalog.runtime.outbox), order_rejected(requested, 7)
    )
    assert shown(catalog, requested) == ("open", None)

    catalog.deliver(
        handlers(catalog.runtime.settings, catalog.runtime.outbox), withdrawn(requested)
    )

    assert shown(catalog, requested) == ("cancelled", None)


def test_a_cancellation_is_listed_as_requested(catalog: Service, requested: dict[str, Any]) -> None:
    listed = catalog.client.get(
        "/api/v1/needs?status=cancel_requested", headers=requested["headers"]
    )
    assert [n["id"] for n in listed.get_json()] == [requested["id"]]
