"""Nudges from pool progress: members who asked, once per product and window, held back
during quiet hours; in the app and by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from notify.adapters.orm import Delivery
from shared.events import Event
from tests.support.notify_events import CLOSED, placed_at, reactions, register_members

if TYPE_CHECKING:
    from tests.api.conftest import Service

D = Decimal
DAYTIME = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
NIGHT = datetime(2036, 3, 19, 22, 0, tzinfo=UTC)  # 23:00 in Berlin, some years ahead


def progressed(window_id: int = 2, missing: str = "3") -> Event:
    """DISP-10L in the open pool: 22 at 38.00, the tier of 25 at 34.50 is 3 away."""
    return Event.of(
        "pooling.pool.progressed",
        {
            "window_id": window_id,
            "products": [
                {
                    "sku": "DISP-10L",
                    "quantity": D("25") - D(missing),
                    "offers": [
                        {
                            "supplier_id": 1,
                            "ordered_quantity": D("25") - D(missing),
                            "unit_price": D("38.00"),
                            "next_tier": {
                                "min_quantity": D("25"),
                                "unit_price": D("34.50"),
                                "missing": D(missing),
                            },
                        }
                    ],
                }
            ],
        },
    )


def wish(notify: Service, member_id: int, **change: object) -> None:
    path = f"/api/v1/members/{member_id}/preferences"
    response = notify.client.put(path, json=change, headers=notify.token("member", member_id))
    assert response.status_code == 200, response.get_json()


def nudges(notify: Service, member_id: int) -> list[dict]:
    listed = notify.client.get("/api/v1/notifications", headers=notify.token("member", member_id))
    return [n for n in listed.get_json() if n["kind"] == "nudge"]


def nudge_mails(notify: Service) -> list[Delivery]:
    with notify.runtime.sessions() as session:
        query = select(Delivery).where(Delivery.kind == "nudge").order_by(Delivery.member_id)
        return list(session.scalars(query))


@pytest.fixture
def history(notify: Service) -> None:
    """Window 1 of the worked example: members 1 and 3 bought DISP-10L, 2 and 4 did not."""
    react = reactions(notify)
    register_members(notify, react)
    notify.deliver(react, placed_at(CLOSED))


def test_a_buyer_who_asked_is_told_what_is_missing_and_what_all_save(
    notify: Service, history: None
) -> None:
    wish(notify, 1, nudges={"bought_before": True, "trade": False})
    wish(notify, 4, nudges={"bought_before": True, "trade": False})  # never bought it
    react = reactions(notify, clock=lambda: DAYTIME)

    notify.deliver(react, progressed())

    [note] = nudges(notify, 1)
    assert note["details"]["missing"] == "3"
    assert note["details"]["everyone_saves"] == "87.50"
    assert note["subject"] == "DISP-10L: noch 3 bis zur nächsten Preisstaffel"
    assert nudges(notify, 3) == [] and nudges(notify, 4) == []  # 3 did not ask
    [mail] = nudge_mails(notify)
    assert mail.member_id == 1 and mail.next_attempt_at == DAYTIME
    assert "alle im Pool sparen zusammen 87,50" in mail.body
    assert "/unsubscribe/" in mail.body


def test_once_per_member_product_and_window(notify: Service, history: None) -> None:
    wish(notify, 1, nudges={"bought_before": True, "trade": False})
    react = reactions(notify, clock=lambda: DAYTIME)

    notify.deliver(react, progressed(missing="3"))
    notify.deliver(react, progressed(missing="2"))  # progress goes on: still one nudge
    assert len(nudges(notify, 1)) == 1
    notify.deliver(react, progressed(window_id=3))  # the next window may nudge again

    assert len(nudges(notify, 1)) == 2
    assert len(nudge_mails(notify)) == 2


def test_a_member_of_a_trade_that_buys_it(notify: Service, history: None) -> None:
    wish(notify, 2, nudges={"bought_before": False, "trade": True})  # a mason: no
    notify.deliver(
        reactions(notify),
        Event.of(
            "catalog.member.registered",
            {
                "member_id": 5,
                "name": "Malerei Fünf",
                "trade": "painter",
                "email": "office5@betrieb.example",
                "postcode": "44137",
                "language": "de",
            },
        ),
    )
    wish(notify, 5, nudges={"bought_before": False, "trade": True})  # painters buy DISP

    notify.deliver(reactions(notify, clock=lambda: DAYTIME), progressed())

    assert [m.member_id for m in nudge_mails(notify)] == [5]


def test_an_opted_out_member_hears_nothing(notify: Service, history: None) -> None:
    notify.deliver(reactions(notify, clock=lambda: DAYTIME), progressed())
    assert nudge_mails(notify) == [] and nudges(notify, 1) == []


def test_a_far_tier_is_no_nudge(notify: Service, history: None) -> None:
    wish(notify, 1, nudges={"bought_before": True, "trade": False})
    notify.deliver(reactions(notify, clock=lambda: DAYTIME), progressed(missing="11"))
    assert nudge_mails(notify) == []


def test_quiet_hours_hold_the_nudge_until_morning(notify: Service, history: None) -> None:
    wish(
        notify,
        1,
        nudges={"bought_before": True, "trade": False},
        quiet_hours={"from": "21:00", "until": "07:00"},
    )

    notify.deliver(reactions(notify, clock=lambda: NIGHT), progressed())

    [mail] = nudge_mails(notify)
    assert mail.next_attempt_at == datetime(2036, 3, 20, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert nudges(notify, 1) == []  # not shown in the app before then either
