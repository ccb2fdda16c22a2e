"""Rule 7's baselines for a whole window: every member's own needs priced alone.

A member's cheapest cost alone is a rule 5 problem of its own, but most of it does not
need the optimiser: two products are linked only through a supplier that may charge a
fee (the fee is paid once, or waived once the lines reach free shipping). A supplier
with no fee to charge links nothing, nor does one whose fee every choice pays alike
(``fee_settling``, which also drops the offers and the suppliers no cheapest choice
needs). So the member's products fall into independent parts whose cheapest choices
together are the member's cheapest; a part of one product is decided directly (each
offer's line plus the fee due on it alone), so is a part whose products each have one
offer left or with few enough choices to try them all, and only the other parts go to
the solver, all members' parts in one batch. The member's choice is then priced whole,
with every fee (rule 5). Of its lines a baseline needs only their values
(``LineValue``), each product's priced once per quantity for all members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import product
from math import prod

from pooling.domain.fee_settling import Candidates, fee_free, settle_fees
from pooling.domain.model import LineValue, Need, Offer, SupplierTerms
from pooling.domain.optimise import Line, PoolingProblem, Solver, check_offers
from pooling.domain.pricing import ZERO, line_value, money, shipping_fee_due

Baselines = tuple[dict[int, Decimal], bool]  # each member's baseline; all proven minima
# a part with this many choices or fewer is priced choice by choice (128: about 0.2 ms
# in Python, against about 0.5 ms for HiGHS on such a part)
TRY_ALL_UP_TO = 128


def own_demand(needs: Iterable[Need]) -> dict[int, dict[str, Decimal]]:
    """Rule 1 over each member's own needs: what it wants of each product."""
    demand: dict[int, dict[str, Decimal]] = {}
    for need in needs:
        wanted = demand.setdefault(need.member_id, {})
        wanted[need.sku] = wanted.get(need.sku, Decimal(0)) + need.quantity
    return demand


def member_baselines(
    demand: Mapping[int, Mapping[str, Decimal]],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    solve: Solver,
) -> Baselines:
    """Each member's baseline C (its own ``demand``, the offered part priced alone); and
    whether every one is a proven minimum."""
    choices: dict[int, dict[str, int]] = {}
    candidates: dict[int, Candidates] = {}
    coupled: list[tuple[int, PoolingProblem[LineValue]]] = []
    pricing = _Pricing(offers, suppliers)
    for member, wanted in demand.items():
        remaining, settled = settle_fees(pricing.lines(wanted), suppliers)
        candidates[member] = remaining
        choices[member] = {}
        reduced = PoolingProblem(remaining, fee_free(remaining, suppliers, settled), ())
        for part in independent_parts(reduced):
            decided = _decided(part)
            if decided is None:
                coupled.append((member, part))
            else:
                choices[member] |= decided
    solutions = solve.solve_all([part for _member, part in coupled], tie_break=False)
    for (member, _part), solution in zip(coupled, solutions, strict=True):
        choices[member] |= solution.choice
    baselines = {
        member: cost_of_choice(
            [_line_at(candidates[member][sku], sid) for sku, sid in choices[member].items()],
            suppliers,
        )
        for member in demand
    }
    return baselines, all(solution.optimal for solution in solutions)


def cost_of_choice(lines: Iterable[LineValue], suppliers: Mapping[int, SupplierTerms]) -> Decimal:
    """Rule 5's cost of these lines, one per product: the lines and every fee due."""
    loads: dict[int, Decimal] = {}
    for line in lines:
        loads[line.supplier_id] = loads.get(line.supplier_id, ZERO) + line.line_total
    fees = (shipping_fee_due(suppliers[sid], load) for sid, load in loads.items())
    return sum(loads.values(), ZERO) + sum(fees, ZERO)


def _line_at(lines: tuple[LineValue, ...], supplier_id: int) -> LineValue:
    return next(line for line in lines if line.supplier_id == supplier_id)


class _Pricing:
    """Each product's lines for a quantity, priced once for all members (many members
    want the same amount), as much as a baseline needs of them: their values. Products
    no one offers are left out, as ``build_problem`` leaves them out of the cost."""

    def __init__(
        self, offers: Mapping[str, Sequence[Offer]], suppliers: Mapping[int, SupplierTerms]
    ) -> None:
        self.offers, self.suppliers = offers, suppliers
        self.priced: dict[tuple[str, Decimal], tuple[LineValue, ...]] = {}
        self.checked: dict[str, tuple[Offer, ...]] = {}  # a product's offers, by supplier id

    def lines(self, demand: Mapping[str, Decimal]) -> dict[str, tuple[LineValue, ...]]:
        candidates = {}
        for sku in sorted(demand):
            key = (sku, demand[sku])
            lines = self.priced.get(key)
            if lines is None:
                lines = self.priced[key] = self._price(sku, demand[sku])
            if lines:
                candidates[sku] = lines
        return candidates

    def _price(self, sku: str, quantity: Decimal) -> tuple[LineValue, ...]:
        if sku not in self.checked:  # the first time: checked as build_problem checks
            offers = sorted(self.offers.get(sku, ()), key=_by_supplier)
            check_offers(sku, offers, self.suppliers)
            self.checked[sku] = tuple(offers)
        return tuple(line_value(offer, quantity) for offer in self.checked[sku])


def _by_supplier(offer: Offer) -> int:
    return offer.supplier_id


def independent_parts(problem: PoolingProblem[Line]) -> list[PoolingProblem[Line]]:
    """``problem`` split where no supplier that may charge a fee links two products; the
    parts' cheapest costs add up to the whole's (parts in order of their first sku)."""
    parent = {sku: sku for sku in problem.candidates}

    def root(sku: str) -> str:
        while parent[sku] != sku:
            parent[sku] = sku = parent[parent[sku]]
        return sku

    charging = {sid for sid, terms in problem.suppliers.items() if may_charge(terms)}
    first_at: dict[int, str] = {}
    for sku, lines in problem.candidates.items():
        for line in lines:
            if line.supplier_id in charging:
                parent[root(sku)] = root(first_at.setdefault(line.supplier_id, sku))
    parts: dict[str, dict[str, tuple[Line, ...]]] = {}
    for sku, lines in problem.candidates.items():
        parts.setdefault(root(sku), {})[sku] = lines
    return [PoolingProblem(part, problem.suppliers, ()) for part in parts.values()]


def may_charge(terms: SupplierTerms) -> bool:
    """Whether some load of lines pays this supplier's shipping fee."""
    free_from = terms.free_shipping_from
    return money(terms.shipping_fee) > 0 and (free_from is None or free_from > 0)


def _decided(part: PoolingProblem[LineValue]) -> dict[str, int] | None:
    """The cheapest choice of a part that needs no optimiser: one product, products each
    with one offer left, or few enough choices to try them all; None for the others."""
    if len(part.candidates) == 1:
        return _alone(part)
    choices = prod(len(lines) for lines in part.candidates.values())
    if choices == 1:
        return {sku: lines[0].supplier_id for sku, lines in part.candidates.items()}
    if choices <= TRY_ALL_UP_TO:
        return _cheapest_of_all(part)
    return None


def _cheapest_of_all(part: PoolingProblem[LineValue]) -> dict[str, int]:
    """Every choice of the part priced with its fees (rule 5); the first cheapest."""
    skus = list(part.candidates)
    best: tuple[Decimal, tuple[LineValue, ...]] | None = None
    for lines in product(*part.candidates.values()):
        cost = cost_of_choice(lines, part.suppliers)
        if best is None or cost < best[0]:
            best = (cost, lines)
    assert best is not None, "a part has products, each with an offer"
    return {sku: line.supplier_id for sku, line in zip(skus, best[1], strict=True)}


def _alone(part: PoolingProblem[LineValue]) -> dict[str, int]:
    """The cheapest choice for one product on its own: its line plus the fee due on it."""
    ((sku, lines),) = part.candidates.items()
    best = min(
        lines,
        key=lambda line: (
            line.line_total + shipping_fee_due(part.suppliers[line.supplier_id], line.line_total)
        ),
    )
    return {sku: best.supplier_id}
