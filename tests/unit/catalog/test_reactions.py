"""How the catalog follows pooling's events, on a fake unit of work: each need shows
what became of it, and a need back in the pool of a member deactivated meanwhile is
cancelled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.domain.model import NeedStatus
from catalog.service_layer import reactions
from shared.events import (
    DepotServed,
    NeedCancelled,
    NeedWithdrawn,
    OrderConfirmed,
    OrderPlaced,
    OrderRejected,
)
from tests.unit.catalog.fakes import FakeMember, FakeNeed, FakeProduct, FakeUnitOfWork

DISP = FakeProduct(1, "DISP-10L", "Dispersionsfarbe 10 l", "Eimer")
ZERO, SIX = Decimal(0), Decimal(6)


def needs(*statuses: str, order_id: int | None = None) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.members.rows = {1: FakeMember(1), 2: FakeMember(2, active=False)}
    uow.needs.rows = {
        n: FakeNeed(n, 1 if n % 2 else 2, DISP, Decimal(6), status=s, order_id=order_id)
        for n, s in enumerate(statuses, start=1)
    }
    return uow


def placed(order_id: int, *need_ids: int) -> OrderPlaced:
    money = {"goods": ZERO, "shipping_share": ZERO, "paid": ZERO}
    allocations = [{"need_id": n, "member_id": 1, "quantity": SIX} | money for n in need_ids]
    line: dict[str, Any] = {"sku": "DISP-10L", "packs": 6, "ordered_quantity": SIX}
    line |= {"unit_price": ZERO, "line_total": ZERO, "surplus_quantity": ZERO}
    lines = [line | {"allocations": allocations}]
    total = ZERO
    return OrderPlaced(
        order_id=order_id,
        window_id=1,
        supplier_id=1,
        lines=lines,
        shipping_fee=total,
        total=total,
        member_savings=[],
    )


def test_placed_needs_are_ordered_also_after_a_cancellation_but_not_after_a_withdrawal() -> None:
    uow = needs(NeedStatus.OPEN, NeedStatus.CANCEL_REQUESTED, NeedStatus.CANCELLED)
    reactions.on_order_placed(placed(7, 1, 2, 3, 4), uow)
    shown = [(n.status, n.order_id) for n in uow.needs.rows.values()]
    assert shown == [
        (NeedStatus.ORDERED, 7),
        (NeedStatus.ORDERED, 7),
        (NeedStatus.CANCELLED, None),
    ]
    assert uow.needs.locks == [1, 2, 3]


def test_a_rejected_order_puts_its_needs_back_and_cancels_a_deactivated_member_s() -> None:
    uow = needs(NeedStatus.ORDERED, NeedStatus.ORDERED, order_id=7)
    uow.needs.rows[3] = FakeNeed(3, 1, DISP, Decimal(1), status=NeedStatus.ORDERED, order_id=8)
    event = OrderRejected(
        order_id=7, window_id=1, supplier_id=1, need_ids=[1, 2, 3], reason="x", member_savings=[]
    )
    reactions.on_order_rejected(event, uow)
    statuses = [n.status for n in uow.needs.rows.values()]
    assert statuses == [NeedStatus.OPEN, NeedStatus.CANCEL_REQUESTED, NeedStatus.ORDERED]
    (cancelled,) = uow.published
    assert isinstance(cancelled, NeedCancelled) and cancelled.need_id == 2


def test_a_confirmed_order_confirms_its_needs_and_returns_the_declined_lines_needs() -> None:
    uow = needs(NeedStatus.ORDERED, NeedStatus.ORDERED, NeedStatus.ORDERED, order_id=7)
    uow.members.rows[2].active = True
    event = OrderConfirmed(
        order_id=7,
        window_id=1,
        supplier_id=1,
        need_ids=[1, 3],
        returned_needs=[{"need_id": 2, "member_id": 2, "sku": "DISP-10L"}],
    )
    reactions.on_order_confirmed(event, uow)
    shown = [(n.status, n.order_id) for n in uow.needs.rows.values()]
    assert shown == [(NeedStatus.CONFIRMED, 7), (NeedStatus.OPEN, None), (NeedStatus.CONFIRMED, 7)]
    assert uow.published == []


def test_a_withdrawn_need_is_cancelled_whatever_came_before() -> None:
    uow = needs(NeedStatus.ORDERED, order_id=7)
    reactions.on_need_withdrawn(NeedWithdrawn(need_id=1, member_id=1, sku="DISP-10L"), uow)
    assert (uow.needs.rows[1].status, uow.needs.rows[1].order_id) == (NeedStatus.CANCELLED, None)


def test_the_depot_serves_a_need_whole_or_in_part() -> None:
    uow = needs(NeedStatus.OPEN, NeedStatus.OPEN, NeedStatus.CANCELLED)
    lot = {"member_id": 1, "sku": "DISP-10L", "order_id": 3, "supplier_id": 1}
    lot |= {"unit_price": ZERO, "goods": ZERO, "paid": ZERO}
    parts = [
        lot | {"need_id": 1, "quantity": SIX, "rest_quantity": ZERO},
        lot | {"need_id": 2, "quantity": Decimal(2), "rest_quantity": Decimal(4)},
        lot | {"need_id": 3, "quantity": Decimal(1), "rest_quantity": ZERO},
    ]
    event = DepotServed(window_id=1, allocations=parts, products=[], member_savings=[])
    reactions.on_depot_served(event, uow)
    shown = [(n.status, n.depot_quantity) for n in uow.needs.rows.values()]
    assert shown == [(NeedStatus.SERVED, 6), (NeedStatus.OPEN, 2), (NeedStatus.CANCELLED, None)]
