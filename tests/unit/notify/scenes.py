"""What notify's handler tests start from: its writer with a fixed clock, members in
the directory, and the worked example's events (``tests.support.notify_events``)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from notify.adapters.orm_savings import Preferences
from notify.adapters.rendering import MailTemplates
from notify.service_layer import reactions
from notify.service_layer.outgoing import Outgoing
from shared import events
from shared.events import Event
from shared.unsubscribe import UnsubscribeLinks
from tests.support import notify_events
from tests.support.notify_events import CLOSED
from tests.unit.notify.fakes import FakeUnitOfWork

D = Decimal
REPORT_DELAY = timedelta(minutes=10)
LINKS = UnsubscribeLinks("a secret only these tests know", "https://zirkel.example")


def arrived(event: Event) -> Any:
    """The event as the consumer hands it over: sent as JSON and read by its schema."""
    return events.load(json.loads(json.dumps(events.dump(event))))


def placed_at(moment: datetime, order_id: int = 1, window_id: int = 1) -> Any:
    """The worked example's order at supplier 1, closed at ``moment``."""
    return arrived(notify_events.placed_at(moment, order_id, window_id))


def member_registered(member_id: int, language: str = "de") -> Any:
    return arrived(notify_events.member_registered(member_id, language))


def outgoing(now: datetime = CLOSED) -> Outgoing:
    return Outgoing(MailTemplates(), LINKS, REPORT_DELAY, clock=lambda: now)


def with_members(*members: tuple[int, str]) -> FakeUnitOfWork:
    """A unit of work whose directory has each (member, language)."""
    uow = FakeUnitOfWork()
    for member_id, language in members:
        reactions.on_member_registered(member_registered(member_id, language), uow)
    return uow


def prefer(uow: FakeUnitOfWork, member_id: int, **wishes: Any) -> None:
    """The member's preferences: the defaults but for ``wishes``."""
    defaults = {"email": True, "app": True, "nudge_bought": False, "nudge_trade": False}
    uow.preferences.add(Preferences(member_id=member_id, **(defaults | wishes)))


NIGHT_HOURS = {"quiet_from": time(21, 0), "quiet_until": time(7, 0)}


def received_short(order_id: int = 1, window_id: int = 1) -> Any:
    """The worked example's order received with one canister less for member 1: it pays
    190.00 for 5, saves 29.00 instead of 31.00; the others get what they ordered."""
    allocations = [
        _received(1, 1, "6", "5", "190.00"),
        _received(3, 3, "8", "8", "304.00"),
    ]
    return arrived(
        Event.of(
            "pooling.order.received",
            {
                "order_id": order_id,
                "window_id": window_id,
                "supplier_id": 1,
                "revision": 1,
                "short": True,
                "lines": [
                    {
                        "sku": "DISP-10L",
                        "ordered_quantity": D("14"),
                        "received_quantity": D("13"),
                        "unit_price": D("38.00"),
                        "received_value": D("494.00"),
                        "depot_quantity": D("0"),
                        "allocations": allocations,
                    }
                ],
                "shipping_fee": D("0.00"),
                "total": D("494.00"),
                "member_savings": [
                    {
                        "member_id": 1,
                        "baseline": D("219.00"),
                        "paid": D("190.00"),
                        "saved": D("29.00"),
                    }
                ],
            },
        )
    )


def _received(need_id: int, member_id: int, ordered: str, got: str, paid: str) -> dict:
    return {
        "need_id": need_id,
        "member_id": member_id,
        "quantity": D(ordered),
        "received": D(got),
        "goods": D(paid),
        "shipping_share": D("0.00"),
        "paid": D(paid),
    }


def progressed(window_id: int = 2, missing: str = "3") -> Any:
    """DISP-10L in the open pool, the tier of 25 at 34.50 ``missing`` away."""
    quantity = D("25") - D(missing)
    next_tier = {"min_quantity": D("25"), "unit_price": D("34.50"), "missing": D(missing)}
    offer = {
        "supplier_id": 1,
        "ordered_quantity": quantity,
        "unit_price": D("38.00"),
        "next_tier": next_tier,
    }
    product = {"sku": "DISP-10L", "quantity": quantity, "offers": [offer]}
    return arrived(
        Event.of("pooling.pool.progressed", {"window_id": window_id, "products": [product]})
    )
