"""Rule 8 through the API: a supplier declines single lines; their needs go back to the
pool for the next window, the fee is recomputed on the confirmed lines and split again,
catalog opens the needs again, notify tells their members why and corrects the savings.
And a receipt: catalog shows each need's received quantity, once however often told."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from catalog.bootstrap import handlers as catalog_handlers
from notify.bootstrap import handlers as notify_handlers
from shared import events
from tests.api.test_after_order import RECEIVED, book, by_member, confirmed, receipt
from tests.api.test_pooling_api import (
    DISP,
    SIL,
    WORKED_NEEDS,
    A,
    close,
    current_pool,
    quantities,
    supplier,
    with_worked_example,
)

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


@pytest.fixture
def worked_example(pooling: Service) -> Service:
    return with_worked_example(pooling)


def decline(pooling: Service, order_id: int, *skus: str) -> Any:
    url = f"/api/v1/orders/{order_id}/confirm"
    body = {"expected_delivery": "2030-03-14", "declined": list(skus)}
    return pooling.client.post(url, json=body, headers=supplier(pooling, A))


def test_a_declined_line_goes_back_to_the_pool_and_the_fee_is_split_again(
    worked_example: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]

    response = decline(worked_example, order["id"], DISP)

    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert shown["status"] == "confirmed"
    assert [(line["sku"], line["declined"]) for line in shown["lines"]] == [
        (DISP, True),
        (SIL, False),
    ]
    assert by_member(shown, "paid")[1] == 0  # nothing of the declined line is paid
    # SIL alone is 302.40 < 500.00: supplier A's fee of 25.00 is due, split over the
    # SIL needs in proportion to goods (126.00 / 84.00 / 58.80), largest remainder
    assert (shown["shipping_fee"], shown["total"]) == ("25.00", "327.40")
    sil = shown["lines"][1]
    assert [(a["need_id"], a["shipping_share"], a["paid"]) for a in sil["allocations"]] == [
        (2, "11.72", "137.72"),
        (4, "7.81", "91.81"),
        (5, "5.47", "64.27"),
    ]
    assert quantities(current_pool(worked_example)) == {DISP: 14}
    [event] = worked_example.outbox("pooling.order.confirmed")
    payload = event["payload"]
    assert (payload["declined"], sorted(payload["need_ids"])) == ([DISP], [2, 4, 5])
    assert [(n["need_id"], n["member_id"]) for n in payload["returned_needs"]] == [(1, 1), (3, 3)]
    savings = {s["member_id"]: (s["paid"], s["saved"]) for s in payload["member_savings"]}
    assert savings[1] == ("0.00", "0.00")
    assert savings[3] == ("91.81", "33.99")  # SIL 20 alone: 2 packs, 100.80 + 25.00
    again = close(worked_example, admin)["orders"]
    assert sorted(a["need_id"] for o in again for line in o["lines"] for a in line["allocations"])
    assert {a["need_id"] for o in again for line in o["lines"] for a in line["allocations"]} == {
        1,
        3,
    }


@pytest.mark.parametrize("declined", [[DISP, SIL], ["GLUE-1"]])
def test_declining_every_line_or_one_the_order_lacks_is_refused(
    worked_example: Service, admin: Headers, declined: list[str]
) -> None:
    [order] = close(worked_example, admin)["orders"]

    response = decline(worked_example, order["id"], *declined)

    assert response.status_code == 422
    assert "declined" in response.get_json()["details"]
    assert worked_example.outbox("pooling.order.confirmed") == []
    assert quantities(current_pool(worked_example)) == {}


def test_a_declined_line_cannot_be_received(worked_example: Service, admin: Headers) -> None:
    [order] = close(worked_example, admin)["orders"]
    assert decline(worked_example, order["id"], DISP).status_code == 200

    refused = book(worked_example, admin, order["id"], receipt(RECEIVED))
    booked = book(worked_example, admin, order["id"], receipt({SIL: "72"}))

    assert refused.status_code == 422
    assert "lines" in refused.get_json()["details"]
    assert booked.status_code == 201, booked.get_json()
    assert by_member(booked.get_json(), "paid") == {
        1: Decimal("0.00"),
        2: Decimal("137.72"),
        3: Decimal("91.81"),
        4: Decimal("64.27"),
    }
    assert Decimal(booked.get_json()["total"]) == Decimal("327.40")


# the other services follow


@pytest.fixture
def cooperative(catalog: Service, make_member: Any, make_product: Any) -> dict[int, Any]:
    """Catalog with the worked example's members and needs (ids as pooling knows them)."""
    make_product(DISP)
    make_product(SIL, "Silikon 300 ml", "cartridge")
    members = {n: make_member() for n in (1, 2, 3, 4)}
    for need_id, member_id, sku, quantity in WORKED_NEEDS:
        body = {"sku": sku, "quantity": quantity}
        posted = catalog.client.post("/api/v1/needs", json=body, headers=members[member_id].headers)
        assert (posted.status_code, posted.get_json()["id"]) == (201, need_id)
    return members


def tell(service: Service, handlers: Any, *bodies: dict[str, Any]) -> None:
    for body in bodies:
        service.deliver(handlers, events.load(json.loads(json.dumps(body))))


def register_members(notify: Service, react: Any) -> None:
    for n in (1, 2, 3, 4):
        member = {"member_id": n, "name": f"Firma {n}", "trade": "painter"}
        member |= {"email": f"m{n}@x.example", "postcode": "44135"}
        notify.deliver(react, events.Event.of("catalog.member.registered", member))


def need_shown(catalog: Service, admin: Headers, need_id: int) -> tuple[str, Any, Any]:
    need = catalog.client.get(f"/api/v1/needs/{need_id}", headers=admin).get_json()
    return need["status"], need["order_id"], need["received_quantity"]


def test_catalog_opens_the_declined_needs_again(
    catalog: Service, cooperative: dict[int, Any], pooling: Service, admin: Headers
) -> None:
    [order] = close(with_worked_example(pooling), admin)["orders"]
    assert decline(pooling, order["id"], DISP).status_code == 200
    [placed], [confirmation] = (
        pooling.outbox(f"pooling.order.{e}") for e in ("placed", "confirmed")
    )

    tell(
        catalog,
        catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox),
        placed,
        confirmation,
        confirmation,
    )

    shown = {n: need_shown(catalog, admin, n) for n in range(1, 6)}
    assert shown[1] == shown[3] == ("open", None, None)
    assert shown[2] == ("confirmed", order["id"], None)


def test_catalog_shows_what_each_need_received_once(
    catalog: Service, cooperative: dict[int, Any], pooling: Service, admin: Headers
) -> None:
    order_id = confirmed(with_worked_example(pooling), admin)
    assert book(pooling, admin, order_id, receipt(RECEIVED)).status_code == 201
    story = [pooling.outbox(f"pooling.order.{e}")[0] for e in ("placed", "confirmed", "received")]

    tell(catalog, catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox), *story)
    tell(
        catalog, catalog_handlers(catalog.runtime.settings, catalog.runtime.outbox), story[-1]
    )  # redelivered

    received = {n: need_shown(catalog, admin, n) for n in range(1, 6)}
    assert {n: (s, q) for n, (s, _o, q) in received.items()} == {
        1: ("received", "5"),
        2: ("received", "30"),
        3: ("received", "7"),
        4: ("received", "20"),
        5: ("received", "14"),
    }


def test_notify_tells_why_and_corrects_the_savings(
    notify: Service, pooling: Service, admin: Headers
) -> None:
    [order] = close(with_worked_example(pooling), admin)["orders"]
    assert decline(pooling, order["id"], DISP).status_code == 200
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    [placed], [confirmation] = (
        pooling.outbox(f"pooling.order.{e}") for e in ("placed", "confirmed")
    )

    register_members(notify, react)
    tell(notify, react, placed, confirmation, confirmation)

    def confirmed_note(member_id: int) -> dict[str, Any]:
        headers = notify.token("member", member_id)
        listed = notify.client.get("/api/v1/notifications", headers=headers).get_json()
        [note] = [n for n in listed if n["kind"] == "order_confirmed"]
        return note

    assert confirmed_note(1)["details"]["declined"] == [DISP]
    assert confirmed_note(2)["details"]["declined"] == []
    savings = notify.client.get("/api/v1/members/3/savings", headers=admin).get_json()
    assert (savings["paid"], savings["saved"]) == ("91.81", "33.99")


def test_notify_follows_the_receipt_once(notify: Service, pooling: Service, admin: Headers) -> None:
    order_id = confirmed(with_worked_example(pooling), admin)
    assert book(pooling, admin, order_id, receipt(RECEIVED)).status_code == 201
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    register_members(notify, react)
    story = [pooling.outbox(f"pooling.order.{e}")[0] for e in ("placed", "confirmed", "received")]

    tell(notify, react, *story)
    tell(notify, react, story[-1])  # redelivered

    def window(member_id: int) -> tuple[str, str, str]:
        url = f"/api/v1/members/{member_id}/savings"
        body = notify.client.get(url, headers=admin).get_json()
        return body["baseline"], body["paid"], body["saved"]

    assert [window(m) for m in (1, 2, 3, 4)] == [
        ("219.00", "190.00", "29.00"),
        ("176.20", "126.00", "50.20"),
        ("419.80", "350.00", "69.80"),
        ("125.80", "58.80", "67.00"),
    ]
    listed = notify.client.get("/api/v1/notifications", headers=notify.token("member", 1))
    kinds = sorted(n["kind"] for n in listed.get_json())
    assert kinds == ["order_confirmed", "order_placed", "savings_report"]  # told nothing twice
    [report] = [n for n in listed.get_json() if n["kind"] == "savings_report"]
    assert report["details"]["window"]["saved"] == "29.00"
