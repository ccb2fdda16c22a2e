"""Rule 5: assign every offered product to one supplier at the exact minimum total cost.

The search works in integer cents behind ``solve_assignment``; replacing it (for a MILP
solver, say) means returning the same ``sku -> supplier_id`` choice for a ``PoolingProblem``.

Ties on the total cost C go to fewer suppliers, then to the smaller sorted tuple of
used supplier ids, then, sku by sku in sorted order, to the lower supplier id.

Exact branch and bound in two phases. Phase 1 finds the minimum C: it splits the problem
by (U, W) - U the suppliers that may be used, W those of U whose lines must reach free
shipping, the rest of U paying their fee - bounds every pair, and searches the pairs in
bound order (products by falling regret) until no bound is below the best cost found.
Phase 2 walks supplier sets in tie-break order and, within the first that reaches C,
pins sku by sku the lowest supplier that still reaches C. Every cut uses a valid lower
bound, so no equal-cost assignment that wins the tie-break is lost.

Cost grows with 3 ** (number of suppliers) and, in the worst case, exponentially with
the number of products (the problem contains subset sum); typical windows of 40 products
and 3-5 suppliers take a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from pooling.domain.model import Assignment, Offer, PricedLine, SupplierTerms
from pooling.domain.pricing import ZERO, price_line, shipping_fee_due


@dataclass(frozen=True)
class PoolingProblem:
    """Rule 5 input, priced: the candidate lines per offered sku and the suppliers' terms."""

    candidates: Mapping[str, tuple[PricedLine, ...]]
    suppliers: Mapping[int, SupplierTerms]
    unoffered: tuple[str, ...]


@dataclass(frozen=True)
class Solution:
    """A solver's choice of supplier per SKU; ``optimal`` is False when it could not prove
    the minimum in time, and ``gap`` then says how much cheaper (in euros) it might be."""

    choice: Mapping[str, int]
    optimal: bool = True
    gap: Decimal = Decimal(0)


class Solver(Protocol):
    """An exact optimiser of rule 5 (with the tie-break unless told it does not matter)."""

    def __call__(self, problem: PoolingProblem, *, tie_break: bool = True) -> Solution: ...

    def solve_all(
        self, problems: Sequence[PoolingProblem], *, tie_break: bool = True
    ) -> list[Solution]:
        """Many independent problems (the members' baselines), in order."""
        ...


def cheapest_assignment(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
    *,
    tie_break: bool = True,
) -> Assignment:
    """Price every offer for the pooled demand and pick the cheapest assignment (rule 5).

    Without ``tie_break`` any cheapest assignment will do (a baseline needs only C)."""
    problem = build_problem(demand, offers, suppliers)
    solution = solve(problem, tie_break=tie_break)
    return assemble(problem, solution)


def build_problem(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
) -> PoolingProblem:
    """Price each sku's demand under each of its offers; skus without offers are unoffered."""
    candidates: dict[str, tuple[PricedLine, ...]] = {}
    for sku in sorted(demand):
        sku_offers = sorted(offers.get(sku, ()), key=lambda offer: offer.supplier_id)
        _check_offers(sku, sku_offers, suppliers)
        if sku_offers:
            candidates[sku] = tuple(price_line(offer, demand[sku]) for offer in sku_offers)
    unoffered = tuple(sku for sku in sorted(demand) if sku not in candidates)
    return PoolingProblem(candidates=candidates, suppliers=suppliers, unoffered=unoffered)


def _check_offers(
    sku: str, sku_offers: Sequence[Offer], suppliers: Mapping[int, SupplierTerms]
) -> None:
    """Refuse offers filed under the wrong sku, duplicated, or from unknown suppliers."""
    seen: set[int] = set()
    for offer in sku_offers:
        if offer.sku != sku:
            raise ValueError(f"offer for {offer.sku} listed under {sku}")
        if offer.supplier_id in seen:
            raise ValueError(f"supplier {offer.supplier_id} offers {sku} twice")
        if offer.supplier_id not in suppliers:
            raise ValueError(f"no terms for supplier {offer.supplier_id} offering {sku}")
        seen.add(offer.supplier_id)


def assemble(problem: PoolingProblem, solution: Solution) -> Assignment:
    """Turn a choice of supplier per sku into lines, fees and the exact total cost."""
    choice = solution.choice
    lines = {
        sku: next(line for line in problem.candidates[sku] if line.supplier_id == choice[sku])
        for sku in sorted(choice)
    }
    loads: dict[int, Decimal] = {}
    for line in lines.values():
        loads[line.supplier_id] = loads.get(line.supplier_id, ZERO) + line.line_total
    fees = {sid: shipping_fee_due(problem.suppliers[sid], loads[sid]) for sid in sorted(loads)}
    total = sum(loads.values(), ZERO) + sum(fees.values(), ZERO)
    return Assignment(
        supplier_by_sku={sku: line.supplier_id for sku, line in lines.items()},
        lines=lines,
        fees=fees,
        total_cost=total,
        unoffered=problem.unoffered,
        optimal=solution.optimal,
        gap=solution.gap,
    )
