"""Rule 5: assign every offered product to one supplier at the exact minimum total cost.

The domain prices the candidates (``build_problem``) and turns a choice of supplier per
SKU into lines, fees and the exact total (``assemble``); the choice itself comes from a
``Solver``, an exact optimiser passed in (``pooling.adapters.highs`` in the service).

Ties on the total cost C go to fewer suppliers, then to the lower supplier ids: first
the smaller sorted tuple of the suppliers used, then the smaller sum of the ids the
products go to, then, SKU by SKU in sorted order, the lower supplier id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from pooling.domain.model import Assignment, LineValue, Offer, PricedLine, SupplierTerms
from pooling.domain.pricing import ZERO, price_line, shipping_fee_due

if TYPE_CHECKING:
    from pooling.domain.baselines import Baselines
    from pooling.domain.flexible import Fairness, FlexProblem, FlexSolution


Line = TypeVar("Line", PricedLine, LineValue)


@dataclass(frozen=True)
class PoolingProblem(Generic[Line]):
    """Rule 5 input, priced: the candidate lines per offered sku and the suppliers' terms
    (whole lines for the pool; a member's baseline needs only their values)."""

    candidates: Mapping[str, tuple[Line, ...]]
    suppliers: Mapping[int, SupplierTerms]
    unoffered: tuple[str, ...]


@dataclass(frozen=True)
class Solution:
    """A solver's choice of supplier per SKU; ``optimal`` is False when it could not prove
    the minimum in time, and ``gap`` then says how much cheaper (in euros) it might be."""

    choice: Mapping[str, int]
    optimal: bool = True
    gap: Decimal = Decimal("0.00")
    ties_settled: bool = True  # False: an optimal choice, but the tie-break ran out of time


class Solver(Protocol):
    """An exact optimiser of rule 5 (with the tie-break unless told it does not matter)."""

    def __call__(self, problem: PoolingProblem, *, tie_break: bool = True) -> Solution: ...

    def solve_all(
        self, problems: Sequence[PoolingProblem], *, tie_break: bool = True
    ) -> list[Solution]:
        """Many independent problems (the members' baselines), in order."""
        ...

    def flexible(self, problem: FlexProblem, fair: Fairness) -> FlexSolution:
        """The cheapest plan of ``problem`` that ``fair`` accepts (see ``flexible``)."""
        ...

    def start_baselines(
        self,
        demand: Mapping[int, Mapping[str, Decimal]],
        offers: Mapping[str, Sequence[Offer]],
        suppliers: Mapping[int, SupplierTerms],
    ) -> Callable[[], Baselines]:
        """Begin every member's baseline (``baselines.member_baselines``), beside the
        caller's own work where the solver can; the returned call waits for them."""
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
) -> PoolingProblem[PricedLine]:
    """Price each sku's demand under each of its offers; skus without offers are unoffered."""
    candidates: dict[str, tuple[PricedLine, ...]] = {}
    for sku in sorted(demand):
        sku_offers = sorted(offers.get(sku, ()), key=lambda offer: offer.supplier_id)
        check_offers(sku, sku_offers, suppliers)
        if sku_offers:
            candidates[sku] = tuple(price_line(offer, demand[sku]) for offer in sku_offers)
    unoffered = tuple(sku for sku in sorted(demand) if sku not in candidates)
    return PoolingProblem(candidates=candidates, suppliers=suppliers, unoffered=unoffered)


def check_offers(
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


def assemble(problem: PoolingProblem[PricedLine], solution: Solution) -> Assignment:
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
