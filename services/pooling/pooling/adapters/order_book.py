"""An order after its close, in and out of the tables: its state, its standing lines as
the domain's order, a confirmation, a receipt, and the depot's ledger."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.domain import model
from pooling.domain.confirmation import Confirmation
from pooling.domain.depot import Movement, MovementKind
from pooling.domain.lifecycle import OrderState, OrderStatus
from pooling.domain.pricing import ZERO
from pooling.domain.receipt import ReceivedOrder
from shared.errors import Forbidden, NotFound


def existing_order(session: Session, order_id: int, **options: Any) -> orm.Order:
    """The order, or ``NotFound`` on ``order_id`` (``options`` go to ``Session.get``)."""
    order = session.get(orm.Order, order_id, **options)
    if order is None:
        raise NotFound("order_id", f"There is no order {order_id}.")
    return order


def locked_order(session: Session, order_id: int, supplier_id: int | None = None) -> orm.Order:
    """The order, locked until the transaction ends, so that of two answers, receipts or
    write-offs at once one waits for the other and then sees what it did. A supplier
    (``supplier_id``) reaches its own orders only."""
    order = existing_order(session, order_id, with_for_update=True, populate_existing=True)
    if supplier_id is not None and order.supplier_id != supplier_id:
        raise Forbidden("order_id", "This order went to another supplier.")
    return order


def state_of(order: orm.Order) -> OrderState:
    declined = frozenset(line.sku for line in order.lines if line.declined)
    short = any(
        line.received_quantity is not None and line.received_quantity < line.ordered_quantity
        for line in order.lines
    )
    return OrderState(OrderStatus(order.status), declined, short)


def standing_lines(order: orm.Order) -> list[orm.OrderLine]:
    """The lines the supplier did not decline."""
    return [line for line in order.lines if not line.declined]


def supplier_order(order: orm.Order) -> model.SupplierOrder:
    """The order's standing lines as the domain's order (allocations as stored)."""
    lines = tuple(
        model.OrderLine(
            line.sku,
            line.packs,
            line.ordered_quantity,
            line.unit_price,
            line.line_total,
            line.surplus_quantity,
            tuple(
                model.Allocation(
                    a.need_id,
                    a.member_id,
                    a.quantity,
                    a.goods,
                    a.shipping_share,
                    a.paid,
                    a.delivery_site,
                    a.extra_quantity,
                )
                for a in line.allocations
            ),
        )
        for line in standing_lines(order)
    )
    return model.SupplierOrder(order.supplier_id, lines, order.shipping_fee, order.total)


def store_confirmation(order: orm.Order, state: OrderState, confirmed: Confirmation) -> None:
    """The order as confirmed: declined lines marked (their needs pay nothing here any
    more), fee and shares split again over the others."""
    order.status = state.status.value
    by_sku = {line.sku: line for line in confirmed.order.lines}
    for line in order.lines:
        line.declined = line.sku in state.declined
        if line.declined:
            for allocation in line.allocations:
                allocation.goods = allocation.shipping_share = allocation.paid = ZERO
        else:
            _take_shares(line, by_sku[line.sku].allocations)
    order.shipping_fee, order.total = confirmed.order.shipping_fee, confirmed.order.total


def store_receipt(
    session: Session, order: orm.Order, received: ReceivedOrder, extra: Collection[str]
) -> orm.Receipt:
    """The booking kept as the order's next revision, and its figures on the order."""
    lines = [
        orm.ReceiptLine(
            sku=line.sku,
            received_quantity=line.received_quantity,
            extra_to_depot=line.sku in extra,
        )
        for line in received.lines
    ]
    receipt = orm.Receipt(order_id=order.id, revision=revisions(session, order.id), lines=lines)
    session.add(receipt)
    by_sku = {line.sku: line for line in received.lines}
    for line in standing_lines(order):
        got = by_sku[line.sku]
        line.received_quantity, line.depot_quantity = got.received_quantity, got.depot_quantity
        _take_shares(line, got.allocations)
        received_by_need = {a.need_id: a.received for a in got.allocations}
        for allocation in line.allocations:
            allocation.received = received_by_need[allocation.need_id]
    order.status, order.total = OrderStatus.RECEIVED.value, received.total
    session.flush()
    return receipt


def _take_shares(line: orm.OrderLine, allocations: Iterable[object]) -> None:
    """Goods, fee share and paid per need, from the domain's allocations of the line."""
    shares = {a.need_id: a for a in allocations}  # type: ignore[attr-defined]
    for allocation in line.allocations:
        share = shares[allocation.need_id]
        allocation.goods, allocation.shipping_share = share.goods, share.shipping_share
        allocation.paid = share.paid


def revisions(session: Session, order_id: int) -> int:
    """How many receipts of the order are booked (the first and its corrections)."""
    query = select(func.count()).select_from(orm.Receipt).where(orm.Receipt.order_id == order_id)
    return session.scalar(query) or 0


def standing_allocations(
    session: Session, window_id: int, member_id: int
) -> list[tuple[orm.Allocation, str]]:
    """The member's allocations (with their sku) in the window's orders and lines still
    standing: not rejected, not declined."""
    query = (
        select(orm.Allocation, orm.OrderLine.sku)
        .join(orm.OrderLine, orm.Allocation.line_id == orm.OrderLine.id)
        .join(orm.Order, orm.OrderLine.order_id == orm.Order.id)
        .where(
            orm.Order.window_id == window_id,
            orm.Order.status != OrderStatus.REJECTED.value,
            orm.OrderLine.declined.is_(False),
            orm.Allocation.member_id == member_id,
        )
    )
    return [(allocation, sku) for allocation, sku in session.execute(query)]


def ledger(session: Session, order_id: int | None = None) -> list[Movement]:
    """The depot's movements in the order they were booked (one order's lots only, if
    ``order_id`` is given)."""
    query = select(orm.DepotMovement).order_by(orm.DepotMovement.id)
    if order_id is not None:
        query = query.where(orm.DepotMovement.order_id == order_id)
    return [
        Movement(
            MovementKind(m.kind),
            m.sku,
            m.order_id,
            m.booked_on,
            m.quantity,
            m.value,
            m.book_value,
            m.need_id,
            m.reason,
        )
        for m in session.scalars(query)
    ]


def book_movements(session: Session, movements: Iterable[Movement]) -> None:
    session.add_all(
        orm.DepotMovement(
            kind=m.kind.value,
            sku=m.sku,
            order_id=m.order_id,
            booked_on=m.on,
            quantity=m.quantity,
            value=m.value,
            book_value=m.book_value,
            need_id=m.need_id,
            reason=m.reason,
        )
        for m in movements
    )


def received_needs(allocations: Iterable[tuple[orm.Allocation, str]]) -> list[model.Need]:
    """The needs as the member's baseline sees them: the received quantity once booked."""
    needs = []
    for a, sku in allocations:
        quantity = a.quantity if a.received is None else a.received
        if quantity > Decimal(0):
            needs.append(model.Need(a.need_id, a.member_id, sku, quantity, a.delivery_site))
    return needs
