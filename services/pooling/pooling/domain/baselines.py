"""Rule 7's baselines for a whole window: every member's own needs priced alone.

A member's cheapest cost alone is a rule 5 problem of its own, but most of it does not
need the optimiser: two products are linked only through a supplier that may charge a
fee (the fee is paid once, or waived once the lines reach free shipping). A supplier
with no fee to charge links nothing. So the member's products fall into independent
parts whose cheapest costs add up to the member's; a part of one product is priced
directly (each offer's line plus the fee due on it alone), so is a part whose products
each have one offer, and only the parts left with a choice go to the solver, all
members' parts in one batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from pooling.domain.model import Need, Offer, PricedLine, SupplierTerms
from pooling.domain.optimise import PoolingProblem, Solution, Solver, assemble, build_problem
from pooling.domain.pricing import ZERO, money, shipping_fee_due


def member_baselines(
    own_needs: Mapping[int, Sequence[Need]],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> tuple[dict[int, Decimal], bool]:
    """Each member's baseline C (its own needs, all offered, priced alone); and whether
    every one is a proven minimum."""
    baselines: dict[int, Decimal] = {}
    coupled: list[tuple[int, PoolingProblem]] = []
    priced: dict[tuple[str, Decimal], tuple[PricedLine, ...]] = {}
    for member, needs in own_needs.items():
        demand: dict[str, Decimal] = {}
        for need in needs:
            demand[need.sku] = demand.get(need.sku, Decimal(0)) + need.quantity
        baselines[member] = ZERO
        for part in independent_parts(_priced_once(demand, offers, suppliers, priced)):
            if len(part.candidates) == 1:
                baselines[member] += _alone(part)
            elif all(len(lines) == 1 for lines in part.candidates.values()):
                baselines[member] += _only_choice(part)
            else:
                coupled.append((member, part))
    solutions = solve.solve_all([part for _member, part in coupled], tie_break=False)
    for (member, part), solution in zip(coupled, solutions, strict=True):
        baselines[member] += assemble(part, solution).total_cost
    return baselines, all(solution.optimal for solution in solutions)


def _priced_once(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    priced: dict[tuple[str, Decimal], tuple[PricedLine, ...]],
) -> PoolingProblem:
    """``build_problem`` for a member's demand, each product's lines priced once per
    quantity for all members (``priced``): many members want the same amount. Products
    no one offers are left out, as ``build_problem`` leaves them out of the cost."""
    candidates = {}
    for sku in sorted(demand):
        key = (sku, demand[sku])
        if key not in priced:
            alone = build_problem({sku: demand[sku]}, offers, suppliers)
            priced[key] = alone.candidates.get(sku, ())
        if priced[key]:
            candidates[sku] = priced[key]
    return PoolingProblem(candidates, suppliers, ())


def independent_parts(problem: PoolingProblem) -> list[PoolingProblem]:
    """``problem`` split where no supplier that may charge a fee links two products; the
    parts' cheapest costs add up to the whole's (parts in order of their first sku)."""
    parent = {sku: sku for sku in problem.candidates}

    def root(sku: str) -> str:
        while parent[sku] != sku:
            parent[sku] = sku = parent[parent[sku]]
        return sku

    first_at: dict[int, str] = {}
    for sku, lines in problem.candidates.items():
        for line in lines:
            if may_charge(problem.suppliers[line.supplier_id]):
                parent[root(sku)] = root(first_at.setdefault(line.supplier_id, sku))
    parts: dict[str, dict[str, tuple[PricedLine, ...]]] = {}
    for sku, lines in problem.candidates.items():
        parts.setdefault(root(sku), {})[sku] = lines
    return [PoolingProblem(part, problem.suppliers, ()) for part in parts.values()]


def may_charge(terms: SupplierTerms) -> bool:
    """Whether some load of lines pays this supplier's shipping fee."""
    free_from = terms.free_shipping_from
    return money(terms.shipping_fee) > 0 and (free_from is None or free_from > 0)


def _alone(part: PoolingProblem) -> Decimal:
    """The cheapest cost of one product on its own: its line plus the fee due on it."""
    (lines,) = part.candidates.values()
    return min(
        line.line_total + shipping_fee_due(part.suppliers[line.supplier_id], line.line_total)
        for line in lines
    )


def _only_choice(part: PoolingProblem) -> Decimal:
    """The cost of products each offered by one supplier: there is nothing to choose."""
    choice = {sku: lines[0].supplier_id for sku, lines in part.candidates.items()}
    return assemble(part, Solution(choice)).total_cost
