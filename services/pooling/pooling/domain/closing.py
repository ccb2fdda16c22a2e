"""Closing one pool window: rules 1-7 from open needs to orders, allocations and savings;
with the depot's lots, rule 11 first (the depot serves what it holds, the rest is pooled)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import pairwise

from pooling.domain import flexible
from pooling.domain.allocating import supplier_orders
from pooling.domain.baselines import Baselines, member_baselines, own_demand
from pooling.domain.depot import DepotService, Lot, serve_from_depot
from pooling.domain.model import (
    Assignment,
    MemberSavings,
    Need,
    Offer,
    SupplierOrder,
    SupplierTerms,
    WindowResult,
)
from pooling.domain.optimise import Solver, cheapest_assignment
from pooling.domain.pricing import ZERO, cost_of, paid_by_member


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
    at the cheapest suppliers, allocate, and report savings; flexible needs then take
    more where that makes the window cheaper (``flexible``)."""
    return decide_window(needs, offers, suppliers, solve, depot, on).result()


@dataclass(frozen=True)
class DecidedWindow:
    """A window's orders as its close decided them, its members' savings to follow: rule
    7's baselines may still be priced beside the close (``Solver.start_baselines``), so a
    close can store the orders meanwhile and ask for the ``result`` after."""

    orders: tuple[SupplierOrder, ...]
    unoffered_needs: tuple[Need, ...]
    optimal: bool
    gap: Decimal
    depot: DepotService | None
    savings: Callable[[], tuple[dict[int, MemberSavings], bool]]

    def result(self) -> WindowResult:
        """The window's result with every member's savings (once the baselines are in)."""
        members, optimal = self.savings()
        return _result(
            self.orders,
            members,
            self.unoffered_needs,
            self.optimal and optimal,
            self.gap,
            self.depot,
        )


def decide_window(
    needs: Sequence[Need],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
    depot: Sequence[Lot] = (),
    on: date | None = None,
) -> DecidedWindow:
    """``close_window`` up to its orders: the members' baselines are priced beside it and
    collected by the ``result``."""
    ordered = sorted(needs, key=lambda need: need.need_id)
    _check_unique_ids(ordered)
    served = _served(ordered, depot, on, offers)
    to_pool = ordered if served is None else served.rest
    unoffered = {need.sku for need in to_pool if not offers.get(need.sku)}  # as rule 5 finds
    placed = [need for need in to_pool if need.sku not in unoffered]
    waiting = tuple(need for need in to_pool if need.sku in unoffered)
    own = placed if served is None else _own_needs(ordered, waiting)
    baselines = solve.start_baselines(own_demand(own), offers, suppliers)  # beside rule 5
    assignment = cheapest_assignment(pooled_demand(to_pool), offers, suppliers, solve)
    by_sku: dict[str, list[Need]] = {}
    for need in placed:
        by_sku.setdefault(need.sku, []).append(need)
    orders = supplier_orders(assignment, by_sku)
    paid = _paid(orders, served)
    strict = DecidedWindow(
        orders,
        waiting,
        assignment.optimal,
        assignment.gap,
        served,
        lambda: _savings(paid, baselines()),
    )
    if not assignment.optimal or not any(need.flexibility for need in placed):
        return strict
    return _with_flexibility(
        strict, paid, baselines, assignment, by_sku, own, offers, suppliers, solve
    )


def _result(
    orders: tuple[SupplierOrder, ...],
    members: Mapping[int, MemberSavings],
    unoffered_needs: tuple[Need, ...],
    optimal: bool,
    gap: Decimal,
    served: DepotService | None,
) -> WindowResult:
    return WindowResult(
        orders=orders,
        members=members,
        unoffered_needs=unoffered_needs,
        total_cost=sum((order.total for order in orders), ZERO),
        members_baseline=sum((m.baseline for m in members.values()), ZERO),
        members_paid=sum((m.paid for m in members.values()), ZERO),
        members_saved=sum((m.saved for m in members.values()), ZERO),
        optimal=optimal,
        gap=gap,
        depot=served,
    )


def _with_flexibility(
    strict: DecidedWindow,
    before: Mapping[int, Decimal],
    baselines: Callable[[], Baselines],
    assignment: Assignment,
    by_sku: Mapping[str, Sequence[Need]],
    own: Sequence[Need],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> DecidedWindow:
    """The cheapest fair plan with the flexible needs raised (see ``flexible``): its
    orders, and each member's savings with what its flexibility earned it (``before``:
    what each member pays in the ``strict`` optimum, ``baselines`` its members' baselines;
    ``own``: the needs whole, as rule 7 prices them)."""
    offered = {sku: sum((n.flexibility for n in needs), ZERO) for sku, needs in by_sku.items()}
    demand = {sku: sum((n.quantity for n in needs), ZERO) for sku, needs in by_sku.items()}
    problem = flexible.flexible_problem(
        demand, offered, offers, suppliers, assignment.supplier_by_sku
    )
    solution = solve.flexible(problem, flexible.fairness(problem, by_sku, before))
    plan = solution.plan
    if problem.cost(plan) >= problem.cost(problem.strict):
        plan = problem.strict  # nothing to gain: the strict choice, its packs filled
    raised = _assignment_of(problem, plan, assignment.unoffered)
    extra: dict[int, Decimal] = {}
    for sku, line in raised.lines.items():
        extra |= flexible.share_extra(line.demand - demand[sku], by_sku[sku])
    orders = supplier_orders(raised, by_sku, extra)
    paid = _paid(orders, strict.depot)

    def savings() -> tuple[dict[int, MemberSavings], bool]:
        again = _raised_baselines(baselines(), own, extra, offers, suppliers, solve)
        members, optimal = _savings(paid, again)
        return _flexibility_saved(members, orders, before), optimal

    optimal = strict.optimal and solution.optimal
    return DecidedWindow(orders, strict.unoffered_needs, optimal, strict.gap, strict.depot, savings)


def _raised_baselines(
    baselines: Baselines,
    own: Sequence[Need],
    extra: Mapping[int, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> Baselines:
    """Rule 7 with the raised quantities: a member's baseline depends on its own needs
    alone, so only the members whose needs took more are priced again (the others keep
    their ``baselines``)."""
    raised = {n.member_id for n in own if extra.get(n.need_id)}
    taken = [
        replace(n, quantity=n.quantity + extra[n.need_id]) if extra.get(n.need_id) else n
        for n in own
        if n.member_id in raised
    ]
    again, optimal = member_baselines(own_demand(taken), offers, suppliers, solve)
    priced, priced_optimal = baselines
    kept = {m: baseline for m, baseline in priced.items() if m not in raised}
    return kept | again, optimal and priced_optimal


def _assignment_of(
    problem: flexible.FlexProblem, plan: flexible.Plan, unoffered: tuple[str, ...]
) -> Assignment:
    """A flexible plan as the orders' assignment: its lines (demand with the extra) and fees."""
    lines = {sku: problem.options[sku][i].line for sku, i in plan.items()}
    fees = problem.fees(plan)
    total = sum((line.line_total for line in lines.values()), ZERO) + sum(fees.values(), ZERO)
    by_sku = {sku: line.supplier_id for sku, line in lines.items()}
    return Assignment(by_sku, lines, fees, total, unoffered)


def _flexibility_saved(
    members: Mapping[int, MemberSavings],
    orders: Sequence[SupplierOrder],
    before: Mapping[int, Decimal],
) -> dict[int, MemberSavings]:
    """Each member's savings with what it pays less for its strict quantities than in
    the strict optimum (``before``): its payment less the extra's goods."""
    extra_goods: dict[int, Decimal] = {}
    for line in (line for order in orders for line in order.lines):
        for a in line.allocations:
            value = cost_of(a.extra_quantity, line.unit_price)
            extra_goods[a.member_id] = extra_goods.get(a.member_id, ZERO) + value
    return {
        m: replace(s, flexibility_saved=before[m] - (s.paid - extra_goods.get(m, ZERO)))
        for m, s in members.items()
    }


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


def _paid(orders: Sequence[SupplierOrder], served: DepotService | None) -> dict[int, Decimal]:
    """What each member with an ordered need or one the depot served pays: the depot's
    part at book value, without fee."""
    allocations = (a for order in orders for line in order.lines for a in line.allocations)
    paid = paid_by_member(allocations)
    for member, amount in ({} if served is None else served.paid_by_member).items():
        paid[member] = paid.get(member, ZERO) + amount
    return paid


def _savings(
    paid: Mapping[int, Decimal], baselines: Baselines
) -> tuple[dict[int, MemberSavings], bool]:
    """Rule 7 for every member in ``paid``, from its ``baselines``."""
    priced, optimal = baselines
    return savings_of(paid, priced), optimal


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
    demand = own_demand(need for need in needs if need.member_id in paid)
    priced, optimal = member_baselines(demand, offers, suppliers, solve)
    return savings_of(paid, priced), optimal


def savings_of(
    paid: Mapping[int, Decimal], baselines: Mapping[int, Decimal]
) -> dict[int, MemberSavings]:
    """Each paying member's savings against its baseline (0 for one not priced)."""
    return {
        m: MemberSavings(m, baselines.get(m, ZERO), paid[m], baselines.get(m, ZERO) - paid[m])
        for m in sorted(paid)
    }


def member_savings(
    member_id: int,
    own_needs: Sequence[Need],
    paid: Decimal,
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> MemberSavings:
    """Rule 7: the member's own needs priced alone (the baseline) against what it paid."""
    demand = {member_id: own_demand(own_needs).get(member_id, {})}
    baselines, _optimal = member_baselines(demand, offers, suppliers, solve)
    baseline = baselines[member_id]
    return MemberSavings(member_id, baseline, paid, baseline - paid)
