"""The close's fast path against the close as it was, on random windows of many members.

The reference below is ``close_window`` before the close was made fast (kept here as it
was): every member's baseline one whole MILP, allocations built need by need. The fast
path must give the same result to the cent: orders, lines, allocations, fee shares,
every member's baseline, paid and saved.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.adapters.highs import HighsSolver
from pooling.domain.baselines import independent_parts, member_baselines, own_demand
from pooling.domain.closing import close_window, pooled_demand
from pooling.domain.model import (
    Allocation,
    Assignment,
    MemberSavings,
    Need,
    Offer,
    OrderLine,
    SupplierOrder,
    SupplierTerms,
    Tier,
    WindowResult,
)
from pooling.domain.optimise import build_problem, cheapest_assignment
from pooling.domain.pricing import ZERO, cost_of, split_fee

SOLVE = HighsSolver(time_limit=10, workers=1)

# --- the close as it was ----------------------------------------------------------------


def reference_close(
    needs: Sequence[Need],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
) -> WindowResult:
    ordered = sorted(needs, key=lambda need: need.need_id)
    assignment = cheapest_assignment(pooled_demand(ordered), offers, suppliers, SOLVE)
    unoffered = set(assignment.unoffered)
    placed = [need for need in ordered if need.sku not in unoffered]
    orders = tuple(reference_order(sid, assignment, placed) for sid in assignment.used_suppliers)
    members = reference_savings(placed, orders, offers, suppliers)
    return WindowResult(
        orders=orders,
        members=members,
        unoffered_needs=tuple(need for need in ordered if need.sku in unoffered),
        total_cost=sum((order.total for order in orders), ZERO),
        members_baseline=sum((m.baseline for m in members.values()), ZERO),
        members_paid=sum((m.paid for m in members.values()), ZERO),
        members_saved=sum((m.saved for m in members.values()), ZERO),
        optimal=assignment.optimal,
        gap=assignment.gap,
    )


def reference_order(
    supplier_id: int, assignment: Assignment, needs: Sequence[Need]
) -> SupplierOrder:
    lines = [line for line in assignment.lines.values() if line.supplier_id == supplier_id]
    prices = {line.sku: line.unit_price for line in lines}
    served = [need for need in needs if need.sku in prices]
    goods = [cost_of(need.quantity, prices[need.sku]) for need in served]
    fee = assignment.fees[supplier_id]
    shares = split_fee(fee, goods)
    by_sku: dict[str, list[Allocation]] = {}
    for n, g, share in zip(served, goods, shares, strict=True):
        allocation = Allocation(
            n.need_id, n.member_id, n.quantity, g, share, g + share, n.delivery_site
        )
        by_sku.setdefault(n.sku, []).append(allocation)
    order_lines = tuple(
        OrderLine(
            line.sku,
            line.packs,
            line.ordered_quantity,
            line.unit_price,
            line.line_total,
            line.surplus_quantity,
            tuple(by_sku[line.sku]),
        )
        for line in sorted(lines, key=lambda line: line.sku)
    )
    total = sum((line.line_total for line in lines), ZERO) + fee
    return SupplierOrder(supplier_id, order_lines, fee, total)


def reference_savings(
    needs: Sequence[Need],
    orders: Sequence[SupplierOrder],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
) -> dict[int, MemberSavings]:
    """Each member's own needs as one whole MILP (with HiGHS's default heuristics)."""
    paid: dict[int, Decimal] = {}
    for order in orders:
        for line in order.lines:
            for a in line.allocations:
                paid[a.member_id] = paid.get(a.member_id, ZERO) + a.paid
    savings = {}
    for member in sorted(paid):
        own = pooled_demand([need for need in needs if need.member_id == member])
        alone = cheapest_assignment(own, offers, suppliers, SOLVE, tie_break=False)
        baseline = alone.total_cost
        savings[member] = MemberSavings(member, baseline, paid[member], baseline - paid[member])
    return savings


# --- random windows, larger than brute force can check -------------------------------------


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


# zero fees and thresholds a member's lines reach make both separable and coupled members
FEES = st.one_of(st.sampled_from([Decimal("0.00"), Decimal("9.90")]), decimals(0, 5000, 2))
THRESHOLDS = st.one_of(st.none(), st.just(Decimal(0)), decimals(1, 50_000, 2))
PRICES = st.one_of(st.sampled_from([Decimal("1.00"), Decimal("2.50")]), decimals(1, 50_000, 4))


@st.composite
def offer(draw: st.DrawFn, supplier_id: int, sku: str) -> Offer:
    steps = draw(st.lists(decimals(1, 5_000, 1), max_size=2, unique=True))
    tiers = tuple(Tier(q, draw(PRICES)) for q in [Decimal(0), *sorted(steps)])
    return Offer(supplier_id, sku, draw(st.sampled_from([Decimal(1), Decimal("2.5")])), tiers)


@st.composite
def windows(draw: st.DrawFn) -> tuple[list[Need], dict, dict]:
    ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=7, unique=True))
    suppliers = {sid: SupplierTerms(sid, draw(FEES), draw(THRESHOLDS)) for sid in ids}
    skus = [f"SKU-{i:02d}" for i in range(draw(st.integers(1, 14)))]
    offers = {}
    for sku in skus:
        sellers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
        offers[sku] = [draw(offer(sid, sku)) for sid in sorted(sellers)]
    wanted = [*skus, "NOBODY-SELLS"]
    picks = st.tuples(st.sampled_from(wanted), st.integers(1, 8), decimals(1, 60_000, 2))
    rows = draw(st.lists(picks, min_size=1, max_size=40))
    ids_in_order = draw(st.permutations(range(1, len(rows) + 1)))
    needs = [Need(i, m, sku, q) for i, (sku, m, q) in zip(ids_in_order, rows, strict=True)]
    return needs, offers, suppliers


@settings(max_examples=200, deadline=None)
@given(window=windows())
def test_the_fast_close_gives_the_old_result_to_the_cent(window: tuple) -> None:
    needs, offers, suppliers = window
    assert close_window(needs, offers, suppliers, SOLVE) == reference_close(
        needs, offers, suppliers
    )


def test_products_linked_only_through_fee_free_suppliers_are_priced_apart() -> None:
    """Supplier 1 charges nothing, supplier 2 never waives its fee, supplier 3 always
    does: only the two products supplier 2 offers are one part."""
    suppliers = {
        1: SupplierTerms(1, Decimal("0.00"), None),
        2: SupplierTerms(2, Decimal("25.00"), None),
        3: SupplierTerms(3, Decimal("25.00"), Decimal(0)),
    }
    one = (Tier(Decimal(0), Decimal("1.00")),)
    offers = {
        "A": [Offer(1, "A", Decimal(1), one), Offer(2, "A", Decimal(1), one)],
        "B": [Offer(1, "B", Decimal(1), one), Offer(3, "B", Decimal(1), one)],
        "C": [Offer(2, "C", Decimal(1), one), Offer(3, "C", Decimal(1), one)],
        "D": [Offer(3, "D", Decimal(1), one)],
    }
    demand = dict.fromkeys(offers, Decimal(1))
    parts = independent_parts(build_problem(demand, offers, suppliers))
    assert [sorted(part.candidates) for part in parts] == [["A", "C"], ["B"], ["D"]]


@settings(max_examples=150, deadline=None)
@given(window=windows())
def test_a_member_buying_everything_alone_has_the_whole_milps_baseline(window: tuple) -> None:
    """One member with every need: many products, fees settled, offers dominated and
    parts split before the solver, against the member's whole problem as one MILP."""
    needs, offers, suppliers = window
    alone = [Need(n.need_id, 1, n.sku, n.quantity) for n in needs]
    baselines, optimal = member_baselines(own_demand(alone), offers, suppliers, SOLVE)
    whole = cheapest_assignment(pooled_demand(alone), offers, suppliers, SOLVE, tie_break=False)
    assert optimal
    assert baselines == {1: whole.total_cost}


class _BesideAlways(HighsSolver):
    BESIDE_FROM = 1  # every close has its baselines computed by the worker processes


BESIDE = _BesideAlways(time_limit=10, workers=2)  # one worker computes every baseline
SHARED = _BesideAlways(time_limit=10, workers=3)  # two workers share the members


@settings(max_examples=25, deadline=None)
@given(window=windows())
def test_baselines_computed_in_worker_processes_give_the_same_close(window: tuple) -> None:
    needs, offers, suppliers = window
    here = close_window(needs, offers, suppliers, SOLVE)
    assert close_window(needs, offers, suppliers, BESIDE) == here
    assert close_window(needs, offers, suppliers, SHARED) == here
