"""What arrives after the order: the office books a receipt (rule 10), and the depot's
stock moves (rule 11): in from the receipt, out by a write-off."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from pooling.adapters import order_book, orm
from pooling.adapters.placed_orders import allocation_fields
from pooling.domain import depot, model
from pooling.domain.confirmation import LineError
from pooling.domain.depot import Movement
from pooling.domain.optimise import Solver
from pooling.domain.pricing import ZERO
from pooling.domain.receipt import ReceivedOrder, receive_order
from pooling.service_layer.commands import BookReceipt, CorrectReceipt, WriteOffStock
from pooling.service_layer.decisions import resettle_members, savings_fields
from pooling.service_layer.unit_of_work import UnitOfWork
from shared.errors import NotFound
from shared.events import OrderReceived

Today = Callable[[], date]  # the day in the pool's time zone


def book_receipt(cmd: BookReceipt, uow: UnitOfWork, *, solve: Solver, today: Today) -> orm.Order:
    """Rule 10, once per order: who gets what, the depot's part, fee shares split again
    over the received goods, and each member's window result on received quantities."""
    order = uow.orders.locked(cmd.order_id)
    order_book.state_of(order).receive(short=False)  # refused (409) unless confirmed
    received = _received(order, cmd)
    movements = depot.receipt_movements(order.id, today(), received)
    return _book(uow, solve, order, cmd, received, movements)


def correct_receipt(
    cmd: CorrectReceipt, uow: UnitOfWork, *, solve: Solver, today: Today
) -> orm.Order:
    """The office corrects a booked receipt: rule 10 again on the corrected quantities;
    the depot moves only the difference, and refuses to take back stock that has left
    it. The booked receipt stays on record beside the correction."""
    order = uow.orders.locked(cmd.order_id)
    order_book.state_of(order).correct_receipt(short=False)  # refused (409) unless received
    standing = order_book.standing_lines(order)
    before = {line.sku: line.received_quantity or ZERO for line in standing}
    extra = {line.sku for line in standing if before[line.sku] > line.ordered_quantity}
    booked = _received(order, BookReceipt(order.id, before, frozenset(extra)))
    corrected = _received(order, cmd)
    ledger = uow.depot.ledger(order.id)
    movements = depot.correction_movements(order.id, today(), ledger, booked, corrected)
    return _book(uow, solve, order, cmd, corrected, movements)


def preview_receipt(cmd: BookReceipt, uow: UnitOfWork, *, correcting: bool) -> ReceivedOrder:
    """Rule 10's split of ``cmd`` as booking or correcting it would make it, refused as
    they would refuse it, and nothing stored: the office sees it before it books."""
    order = uow.orders.get(cmd.order_id)
    state = order_book.state_of(order)
    if correcting:
        state.correct_receipt(short=False)  # refused (409) unless received
    else:
        state.receive(short=False)  # refused (409) unless confirmed
    return _received(order, cmd)


def _received(order: orm.Order, cmd: BookReceipt) -> ReceivedOrder:
    placed = order_book.supplier_order(order)
    return receive_order(placed, cmd.received, extra_to_depot=cmd.extra_to_depot)


def _book(
    uow: UnitOfWork,
    solve: Solver,
    order: orm.Order,
    cmd: BookReceipt,
    received: ReceivedOrder,
    movements: Iterable[Movement],
) -> orm.Order:
    """The receipt on record and on the order, the depot's movements, the members'
    window results on received quantities, and the announcement."""
    revision = uow.orders.store_receipt(order, received, cmd.extra_to_depot)
    uow.depot.book(movements)
    members = sorted({a.member_id for line in received.lines for a in line.allocations})
    savings = resettle_members(uow, solve, order.window_id, members)
    uow.publish(order_received(order, revision, received, savings))
    return order


def order_received(
    order: orm.Order, revision: int, received: ReceivedOrder, savings: list[model.MemberSavings]
) -> OrderReceived:
    lines = [
        {
            "sku": line.sku,
            "ordered_quantity": line.ordered_quantity,
            "received_quantity": line.received_quantity,
            "unit_price": line.unit_price,
            "received_value": line.received_value,
            "depot_quantity": line.depot_quantity,
            "allocations": [
                allocation_fields(a) | {"received": a.received} for a in line.allocations
            ],
        }
        for line in received.lines
    ]
    return OrderReceived(
        order_id=order.id,
        window_id=order.window_id,
        supplier_id=order.supplier_id,
        revision=revision,
        short=received.short,
        lines=lines,
        shipping_fee=received.shipping_fee,
        total=received.total,
        member_savings=[savings_fields(s) for s in savings],
    )


def write_off_stock(cmd: WriteOffStock, uow: UnitOfWork, *, today: Today) -> Movement:
    """The office writes part of a lot off, saying why; the lot's order is locked, so two
    write-offs (or a correction) of one lot take turns and never overdraw it."""
    try:
        uow.orders.locked(cmd.order_id)
    except NotFound as exc:  # named in the body: the write-off is invalid (422)
        raise LineError("order_id", cmd.sku, str(exc)) from exc
    lots = depot.stock(uow.depot.ledger(cmd.order_id))
    lot = next((lot for lot in lots if lot.sku == cmd.sku), None)
    if lot is None:
        raise LineError("sku", cmd.sku, f"the depot holds no {cmd.sku} of order {cmd.order_id}")
    movement = depot.write_off(lot, cmd.quantity, cmd.reason, today())
    uow.depot.book([movement])
    return movement
