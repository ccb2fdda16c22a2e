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
from pooling.domain.depot import DepotAllocation, Lot, Movement, MovementKind, stock
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
                    a.needed_by,
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
    take_receipt(order, received)
    session.flush()
    return receipt


def take_receipt(order: orm.Order, received: ReceivedOrder) -> None:
    """The receipt's figures on the order: received, the depot's part, the shares."""
    by_sku = {line.sku: line for line in received.lines}
    for line in standing_lines(order):
        got = by_sku[line.sku]
        line.received_quantity, line.depot_quantity = got.received_quantity, got.depot_quantity
        _take_shares(line, got.allocations)
        received_by_need = {a.need_id: a.received for a in got.allocations}
        for allocation in line.allocations:
            allocation.received = received_by_need[allocation.need_id]
    order.status, order.total = OrderStatus.RECEIVED.value, received.total


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
    return _ledger(session, None if order_id is None else [order_id])


def _ledger(session: Session, order_ids: Collection[int] | None) -> list[Movement]:
    query = select(orm.DepotMovement).order_by(orm.DepotMovement.id)
    if order_ids is not None:
        query = query.where(orm.DepotMovement.order_id.in_(list(order_ids)))
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
            m.member_id,
        )
        for m in session.scalars(query)
    ]


def locked_stock(session: Session, skus: Collection[str]) -> list[Lot]:
    """The depot's lots of these products, their orders locked until the transaction
    ends: a write-off or a receipt's correction of one of them waits for the close that
    takes its stock, and then sees what is left (rule 11). The lots are folded from the
    ledger (exactly, here: SQLite keeps quantities as text), read again once locked; one
    small query when the depot never held any of these products."""
    wanted = set(skus)
    m = orm.DepotMovement
    held = select(m.order_id, m.sku).where(m.kind != MovementKind.ROUNDING.value).distinct()
    orders = sorted({order_id for order_id, sku in session.execute(held) if sku in wanted})
    if not orders:
        return []
    holding = sorted({lot.order_id for lot in stock(_ledger(session, orders)) if lot.sku in wanted})
    if not holding:
        return []
    locking = select(orm.Order.id).where(orm.Order.id.in_(holding)).order_by(orm.Order.id)
    session.scalars(locking.with_for_update()).all()
    return [lot for lot in stock(_ledger(session, holding)) if lot.sku in wanted]


def depot_lots(session: Session) -> list[Lot]:
    """The depot's lots now (not locked: for weighing the pool before its close)."""
    return stock(_ledger(session, None))


def depot_holdings(session: Session) -> dict[str, Decimal]:
    """What the depot holds of each product now (not locked: for showing the pool)."""
    held: dict[str, Decimal] = {}
    for lot in stock(_ledger(session, None)):
        held[lot.sku] = held.get(lot.sku, Decimal(0)) + lot.quantity
    return held


def book_movements(
    session: Session, movements: Iterable[Movement], window_id: int | None = None
) -> None:
    """The movements into the ledger; ``window_id``: the close that served them."""
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
            window_id=window_id,
            member_id=m.member_id,
        )
        for m in movements
    )


def served_from_depot(session: Session, window_id: int, member_id: int) -> list[DepotAllocation]:
    """What the depot served the member at the window's close (rule 11)."""
    m = orm.DepotMovement
    query = (
        select(m.need_id, m.sku, m.order_id, m.quantity, m.value, m.book_value)
        .where(
            m.window_id == window_id,
            m.member_id == member_id,
            m.kind == MovementKind.TO_NEED.value,
        )
        .order_by(m.id)
    )
    return [
        DepotAllocation(need_id, member_id, sku, order_id, -quantity, -value, book_value)
        for need_id, sku, order_id, quantity, value, book_value in session.execute(query)
    ]


def received_needs(allocations: Iterable[tuple[orm.Allocation, str]]) -> list[model.Need]:
    """The needs as the member's baseline sees them: the received quantity once booked."""
    needs = []
    for a, sku in allocations:
        quantity = a.quantity if a.received is None else a.received
        if quantity > Decimal(0):
            needs.append(model.Need(a.need_id, a.member_id, sku, quantity, a.delivery_site))
    return needs
