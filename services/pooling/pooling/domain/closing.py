"""Closing one pool window: rules 1-7 from open needs to orders, allocations and savings;
with the depot's lots, rule 11 first (the depot serves what it holds, the rest is pooled)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

from pooling.domain.baselines import member_baselines
from pooling.domain.depot import DepotService, Lot, serve_from_depot
from pooling.domain.model import (
    Allocation,
    Assignment,
    MemberSavings,
    Need,
    Offer,
    OrderLine,
    SupplierOrder,
    SupplierTerms,
    WindowResult,
)
from pooling.domain.optimise import Solver, cheapest_assignment
from pooling.domain.pricing import ZERO, cost_of, fee_shares, paid_by_member


def pooled_demand(needs: Sequence[Need]) -> dict[str, Decimal]:
    """Rule 1: D per sku = the sum of its needs' quantities."""
    demand: dict[str, Decimal] = {}
    for need in needs:
        demand[need.sku] = demand.get(need.sku, Decimal(0)) + need.quantity
    return demand


def close_window(
    needs: Sequence[Need],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
    depot: Sequence[Lot] = (),
    on: date | None = None,
) -> WindowResult:
    """Serve what the ``depot``'s lots hold (rule 11, booked ``on``), pool the rest, order
    at the cheapest suppliers, allocate, and report savings."""
    ordered = sorted(needs, key=lambda need: need.need_id)
    _check_unique_ids(ordered)
    served = _served(ordered, depot, on, offers)
    to_pool = ordered if served is None else served.rest
    assignment = cheapest_assignment(pooled_demand(to_pool), offers, suppliers, solve)
    unoffered = set(assignment.unoffered)
    placed = [need for need in to_pool if need.sku not in unoffered]
    by_sku: dict[str, list[Need]] = {}
    for need in placed:
        by_sku.setdefault(need.sku, []).append(need)
    orders = tuple(_order(sid, assignment, by_sku) for sid in assignment.used_suppliers)
    waiting = tuple(need for need in to_pool if need.sku in unoffered)
    own = placed if served is None else _own_needs(ordered, waiting)
    members, baselines_optimal = _member_savings(own, orders, offers, suppliers, solve, served)
    return WindowResult(
        orders=orders,
        members=members,
        unoffered_needs=waiting,
        total_cost=sum((order.total for order in orders), ZERO),
        members_baseline=sum((m.baseline for m in members.values()), ZERO),
        members_paid=sum((m.paid for m in members.values()), ZERO),
        members_saved=sum((m.saved for m in members.values()), ZERO),
        optimal=assignment.optimal and baselines_optimal,
        gap=assignment.gap,
        depot=served,
    )


def _served(
    needs: Sequence[Need],
    depot: Sequence[Lot],
    on: date | None,
    offers: Mapping[str, Sequence[Offer]],
) -> DepotService | None:
    """What the depot serves (None when it holds nothing of the needs' products)."""
    skus = {need.sku for need in needs}
    lots = [lot for lot in depot if lot.sku in skus and lot.quantity > 0]
    if not lots:
        return None
    if on is None:
        raise ValueError("serving from the depot needs the day it is booked on")
    unoffered = {sku for sku in skus if not offers.get(sku)}
    return serve_from_depot(needs, lots, on, whole_only=unoffered)


def _own_needs(needs: Sequence[Need], waiting: Sequence[Need]) -> list[Need]:
    """Rule 7's own needs after the depot served some: each need whole (its depot part and
    its pooled rest), except those that wait for the next window."""
    left = {need.need_id for need in waiting}
    return [need for need in needs if need.need_id not in left]


def _check_unique_ids(needs: Sequence[Need]) -> None:
    """Refuse a need id given twice (needs sorted by id)."""
    for earlier, later in pairwise(needs):
        if earlier.need_id == later.need_id:
            raise ValueError(f"need {later.need_id} given twice")


def _order(
    supplier_id: int, assignment: Assignment, by_sku: Mapping[str, Sequence[Need]]
) -> SupplierOrder:
    """Rule 6 for one supplier: goods per need, fee split over all the order's needs
    (in need order; ``by_sku``: the placed needs per sku, each list in need order)."""
    lines = [line for line in assignment.lines.values() if line.supplier_id == supplier_id]
    prices = {line.sku: line.unit_price for line in lines}
    served = [need for sku in prices for need in by_sku[sku]]
    goods = {need.need_id: cost_of(need.quantity, prices[need.sku]) for need in served}
    fee = assignment.fees[supplier_id]
    shares = fee_shares(fee, goods)
    by_sku: dict[str, list[Allocation]] = {}
    for n in served:
        g, share = goods[n.need_id], shares[n.need_id]
        allocation = Allocation(
            n.need_id, n.member_id, n.quantity, g, share, g + share, n.delivery_site
        )
        by_sku.setdefault(n.sku, []).append(allocation)
    order_lines = tuple(
        OrderLine(
            sku=line.sku,
            packs=line.packs,
            ordered_quantity=line.ordered_quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            surplus_quantity=line.surplus_quantity,
            allocations=tuple(by_sku[line.sku]),
        )
        for line in sorted(lines, key=lambda line: line.sku)
    )
    total = sum((line.line_total for line in lines), ZERO) + fee
    return SupplierOrder(supplier_id, order_lines, fee, total)


def _member_savings(
    needs: Sequence[Need],
    orders: Sequence[SupplierOrder],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
    served: DepotService | None = None,
) -> tuple[dict[int, MemberSavings], bool]:
    """Rule 7 for every member with an ordered need or one the depot served (see
    ``window_savings``): the depot's part is paid at book value, without fee."""
    allocations = (a for order in orders for line in order.lines for a in line.allocations)
    paid = paid_by_member(allocations)
    for member, amount in ({} if served is None else served.paid_by_member).items():
        paid[member] = paid.get(member, ZERO) + amount
    return window_savings(needs, paid, offers, suppliers, solve)


def window_savings(
    needs: Sequence[Need],
    paid: Mapping[int, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> tuple[dict[int, MemberSavings], bool]:
    """Rule 7 for every member in ``paid``: the cost C of its own ``needs`` alone (its
    baseline; 0 without needs), what it paid, saved; and whether every baseline is a
    proven minimum. After a receipt the needs carry the received quantities (rule 10)."""
    own: dict[int, list[Need]] = {}
    for need in needs:
        own.setdefault(need.member_id, []).append(need)
    members = sorted(m for m in paid if m in own)
    priced, optimal = member_baselines({m: own[m] for m in members}, offers, suppliers, solve)
    baselines = dict.fromkeys(paid, ZERO) | priced
    savings = {
        m: MemberSavings(m, baselines[m], paid[m], baselines[m] - paid[m]) for m in sorted(paid)
    }
    return savings, optimal


def member_savings(
    member_id: int,
    own_needs: Sequence[Need],
    paid: Decimal,
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> MemberSavings:
    """Rule 7: the member's own needs priced alone (the baseline) against what it paid."""
    baselines, _optimal = member_baselines({member_id: own_needs}, offers, suppliers, solve)
    baseline = baselines[member_id]
    return MemberSavings(member_id, baseline, paid, baseline - paid)
