"""A supplier's answer to a placed order: confirmed, perhaps with declined lines (rule 8),
or rejected whole. Needs that leave the order go back to the pool, and the members of the
order get their window result recomputed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from pooling.adapters import order_book, orm
from pooling.adapters.placed_orders import allocation_fields, line_fields
from pooling.domain import model
from pooling.domain.closing import member_savings
from pooling.domain.confirmation import Confirmation
from pooling.domain.confirmation import confirm_order as confirm_lines
from pooling.domain.optimise import Solver
from pooling.service_layer.commands import ConfirmOrder, RejectOrder
from pooling.service_layer.unit_of_work import UnitOfWork
from shared.events import OrderConfirmed, OrderRejected


def confirm_order(cmd: ConfirmOrder, uow: UnitOfWork, *, solve: Solver) -> orm.Order:
    """Rule 8: confirm the order; declined lines' needs go back to the pool for the next
    window, the fee is recomputed on the confirmed lines and split again. Confirmed whole,
    the order stands as placed."""
    order = uow.orders.locked(cmd.order_id, cmd.supplier_id)
    state = order_book.state_of(order).confirm(cmd.declined)
    placed = order_book.supplier_order(order)
    confirmed = Confirmation(placed, (), ())
    if cmd.declined:
        confirmed = confirm_lines(placed, _terms(uow, order.supplier_id), cmd.declined)
    order_book.store_confirmation(order, state, confirmed)
    order.decided_at, order.expected_delivery = datetime.now(UTC), cmd.expected_delivery
    returned = [need.need_id for need in confirmed.returned_needs]
    savings: list[model.MemberSavings] = []
    if returned:
        uow.needs.back_into_pool(returned, datetime.now(UTC))
        savings = resettle_members(uow, solve, order.window_id, _members(order))
    uow.publish(order_confirmed(order, confirmed, savings))
    return order


def reject_order(cmd: RejectOrder, uow: UnitOfWork, *, solve: Solver) -> orm.Order:
    """The whole order is rejected: all its needs go back to the pool."""
    order = uow.orders.locked(cmd.order_id, cmd.supplier_id)
    order.status = order_book.state_of(order).reject().status.value
    order.decided_at, order.reject_reason = datetime.now(UTC), cmd.reason
    need_ids = _need_ids(order_book.standing_lines(order))
    uow.needs.back_into_pool(need_ids, datetime.now(UTC))
    resettled = resettle_members(uow, solve, order.window_id, _members(order))
    payload = _decided(order, need_ids) | {"reason": cmd.reason}
    payload["member_savings"] = [savings_fields(s) for s in resettled]
    uow.publish(OrderRejected(**payload))
    return order


def order_confirmed(
    order: orm.Order, confirmed: Confirmation, savings: list[model.MemberSavings]
) -> OrderConfirmed:
    """The order as confirmed, what went back to the pool, and the members' new results."""
    lines = confirmed.order.lines
    payload = _decided(order, _need_ids(lines)) | {
        "expected_delivery": order.expected_delivery,
        "declined": list(confirmed.declined),
        "returned_needs": [
            {"need_id": need.need_id, "member_id": need.member_id, "sku": need.sku}
            for need in confirmed.returned_needs
        ],
        "lines": [
            line_fields(line) | {"allocations": [allocation_fields(a) for a in line.allocations]}
            for line in lines
        ],
        "shipping_fee": confirmed.order.shipping_fee,
        "total": confirmed.order.total,
        "member_savings": [savings_fields(s) for s in savings],
    }
    return OrderConfirmed(**payload)


def _decided(order: orm.Order, need_ids: list[int]) -> dict[str, object]:
    return {
        "order_id": order.id,
        "window_id": order.window_id,
        "supplier_id": order.supplier_id,
        "need_ids": need_ids,
    }


def _need_ids(lines: Iterable[orm.OrderLine | model.OrderLine]) -> list[int]:
    return [a.need_id for line in lines for a in line.allocations]


def _members(order: orm.Order) -> list[int]:
    return sorted({a.member_id for line in order.lines for a in line.allocations})


def _terms(uow: UnitOfWork, supplier_id: int) -> model.SupplierTerms:
    terms = uow.offers.terms_of(supplier_id)
    assert terms is not None, f"an order of supplier {supplier_id}, whom pooling never heard of"
    return terms


def savings_fields(savings: model.MemberSavings | orm.MemberSavings) -> dict[str, object]:
    """A member's window result as announced: alone (baseline), pooled (paid), saved."""
    return {
        "member_id": savings.member_id,
        "baseline": savings.baseline,
        "paid": savings.paid,
        "saved": savings.saved,
        "flexibility_saved": savings.flexibility_saved,
    }


def resettle_members(
    uow: UnitOfWork, solve: Solver, window_id: int, members: list[int]
) -> list[model.MemberSavings]:
    """Rule 7 again for each member on what the window's standing orders hold of its
    needs now (received quantities once booked) and what the depot served it at the
    window's close (at book value), at the window's prices."""
    offers = uow.pool.offers(uow.pool.window(window_id))
    terms = uow.pool.supplier_terms()
    results = []
    for member_id in members:
        kept = uow.orders.standing_allocations(window_id, member_id)
        served = uow.depot.served(window_id, member_id)
        paid = sum((a.paid for a, _sku in kept), Decimal("0.00"))
        paid += sum((part.paid for part in served), Decimal("0.00"))
        needs = order_book.received_needs(kept) + [
            model.Need(part.need_id, member_id, part.sku, part.quantity) for part in served
        ]
        result = member_savings(member_id, needs, paid, offers, terms, solve)
        results.append(uow.results.record(window_id, result))
    return results
