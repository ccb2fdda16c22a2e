"""Notify's API after a pooling.order.placed event: savings reports and notifications."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from notify.bootstrap import handlers
from shared.events import Event

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

D = Decimal


def allocation(need_id: int, member_id: int, quantity: str, paid: str) -> dict[str, Any]:
    return {
        "need_id": need_id,
        "member_id": member_id,
        "quantity": D(quantity),
        "goods": D(paid),
        "shipping_share": D("0.00"),
        "paid": D(paid),
    }


def savings(member_id: int, baseline: str, paid: str, saved: str) -> dict[str, Any]:
    return {"member_id": member_id, "baseline": D(baseline), "paid": D(paid), "saved": D(saved)}


def order_placed(order_id: int = 1, window_id: int = 1) -> Event:
    """The worked example's order at supplier A, as pooling announces it."""
    return Event.of(
        "pooling.order.placed",
        {
            "order_id": order_id,
            "window_id": window_id,
            "supplier_id": 1,
            "lines": [
                {
                    "sku": "DISP-10L",
                    "packs": 14,
                    "ordered_quantity": D("14"),
                    "unit_price": D("38.00"),
                    "line_total": D("532.00"),
                    "surplus_quantity": D("0"),
                    "allocations": [
                        allocation(1, 1, "6", "228.00"),
                        allocation(3, 3, "8", "304.00"),
                    ],
                },
                {
                    "sku": "SIL-300",
                    "packs": 6,
                    "ordered_quantity": D("72"),
                    "unit_price": D("4.20"),
                    "line_total": D("302.40"),
                    "surplus_quantity": D("8"),
                    "allocations": [
                        allocation(2, 2, "30", "126.00"),
                        allocation(4, 3, "20", "84.00"),
                        allocation(5, 4, "14", "58.80"),
                    ],
                },
            ],
            "shipping_fee": D("0.00"),
            "total": D("834.40"),
            "member_savings": [
                savings(1, "259.00", "228.00", "31.00"),
                savings(2, "176.20", "126.00", "50.20"),
                savings(3, "445.80", "388.00", "57.80"),
                savings(4, "125.80", "58.80", "67.00"),
            ],
        },
    )


@pytest.fixture
def placed(notify: Service) -> Event:
    from tests.support.notify_events import member_registered

    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    for member_id in (1, 2, 3, 4):  # catalog tells notify of its members first
        notify.deliver(react, member_registered(member_id))
    event = order_placed()
    notify.deliver(react, event)
    return event


def member(notify: Service, member_id: int) -> Headers:
    return notify.token("member", member_id)


def get_savings(notify: Service, member_id: int, headers: Headers) -> Any:
    return notify.client.get(f"/api/v1/members/{member_id}/savings", headers=headers)


def test_a_member_sees_what_the_pool_saved_it(notify: Service, placed: Event) -> None:
    response = get_savings(notify, 1, member(notify, 1))

    assert response.status_code == 200
    body = response.get_json()
    assert (D(body["baseline"]), D(body["paid"]), D(body["saved"])) == (
        D("259.00"),
        D("228.00"),
        D("31.00"),
    )
    [window] = body["windows"]
    assert window["window_id"] == 1
    assert (D(window["baseline"]), D(window["paid"]), D(window["saved"])) == (
        D("259.00"),
        D("228.00"),
        D("31.00"),
    )


def test_savings_add_up_over_windows(notify: Service, placed: Event) -> None:
    second = order_placed(order_id=2, window_id=2)
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), second)

    body = get_savings(notify, 3, member(notify, 3)).get_json()

    assert [w["window_id"] for w in body["windows"]] == [1, 2]
    assert D(body["saved"]) == D("115.60")
    assert D(body["paid"]) == D("776.00")


def test_another_member_cannot_see_ones_savings(notify: Service, placed: Event) -> None:
    response = get_savings(notify, 1, member(notify, 2))
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "details"}
    assert get_savings(notify, 1, notify.token("supplier", 1)).status_code == 403


def test_an_admin_sees_any_members_savings(notify: Service, placed: Event, admin: Headers) -> None:
    response = get_savings(notify, 4, admin)
    assert response.status_code == 200
    assert D(response.get_json()["saved"]) == D("67.00")


def test_a_member_gets_one_notification_about_its_share(notify: Service, placed: Event) -> None:
    response = notify.client.get("/api/v1/notifications", headers=member(notify, 3))

    assert response.status_code == 200
    [note] = [n for n in response.get_json() if n["kind"] == "order_placed"]
    assert note["member_id"] == 3
    assert note["order_id"] == 1
    assert note["kind"] == "order_placed"
    assert note["subject"] == "Sammelbestellung 1: Sie zahlen 388,00 €"
    lines = note["details"]["lines"]
    assert sorted(line["need_id"] for line in lines) == ["3", "4"]
    assert D(note["details"]["paid"]) == D("388.00")


def test_a_redelivered_order_notifies_and_reports_once(notify: Service, placed: Event) -> None:
    assert len(notify.outbox("notify.savings.reported")) == 4

    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), placed)

    listed = notify.client.get("/api/v1/notifications", headers=member(notify, 1)).get_json()
    assert sorted(n["kind"] for n in listed) == ["order_placed", "savings_report"]
    reported = notify.outbox("notify.savings.reported")
    assert sorted(r["payload"]["member_id"] for r in reported) == [1, 2, 3, 4]
    body = get_savings(notify, 1, member(notify, 1)).get_json()
    assert D(body["saved"]) == D("31.00")
    assert len(body["windows"]) == 1


def test_an_impossibly_large_member_id_is_no_server_error(notify: Service, admin: Headers) -> None:
    assert get_savings(notify, 10**20, admin).status_code in (200, 404)


def test_a_rejected_order_no_longer_counts_as_savings(notify: Service, placed: Event) -> None:
    rejected = Event.of(
        "pooling.order.rejected",
        {
            "order_id": 1,
            "window_id": 1,
            "supplier_id": 1,
            "need_ids": [1, 2, 3, 4, 5],
            "reason": "Out of stock",
            "member_savings": [
                {"member_id": m, "baseline": D(0), "paid": D(0), "saved": D(0)}
                for m in (1, 2, 3, 4)
            ],
        },
    )
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), rejected)

    body = get_savings(notify, 1, member(notify, 1)).get_json()

    assert (D(body["paid"]), D(body["saved"])) == (0, 0)


def test_the_savings_report_shows_what_flexible_quantities_saved(notify: Service) -> None:
    """An order whose close raised flexible needs: member 1 paid 21.00 less for its own
    quantities than in the window's strict optimum."""
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    from tests.support.notify_events import member_registered

    notify.deliver(react, member_registered(1))
    event = order_placed()
    first = event.payload["member_savings"][0] | {"flexibility_saved": D("21.00")}
    event = Event.of(event.event_type, event.payload | {"member_savings": [first]})
    notify.deliver(react, event)

    body = get_savings(notify, 1, member(notify, 1)).get_json()

    assert D(body["flexibility_saved"]) == D("21.00")
    assert [D(w["flexibility_saved"]) for w in body["windows"]] == [D("21.00")]


def test_a_report_of_a_strict_window_shows_no_flexibility_saving(
    notify: Service, placed: Event
) -> None:
    body = get_savings(notify, 1, member(notify, 1)).get_json()
    assert D(body["flexibility_saved"]) == 0
