"""Rule 5: assign every offered product to one supplier at the exact minimum total cost.

The search works in integer cents behind ``solve_assignment``; replacing it (for a MILP
solver, say) means returning the same ``sku -> supplier_id`` choice for a ``PoolingProblem``.

Ties on the total cost C go to fewer suppliers, then to the smaller sorted tuple of
used supplier ids, then, sku by sku in sorted order, to the lower supplier id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from itertools import combinations

from pooling.domain.model import Assignment, Offer, PricedLine, SupplierTerms
from pooling.domain.pricing import ZERO, price_line, shipping_fee_due


@dataclass(frozen=True)
class PoolingProblem:
    """Rule 5 input, priced: the candidate lines per offered sku and the suppliers' terms."""

    candidates: Mapping[str, tuple[PricedLine, ...]]
    suppliers: Mapping[int, SupplierTerms]
    unoffered: tuple[str, ...]


def cheapest_assignment(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
) -> Assignment:
    """Price every offer for the pooled demand and pick the cheapest assignment (rule 5)."""
    problem = build_problem(demand, offers, suppliers)
    return _assemble(problem, solve_assignment(problem))


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


def solve_assignment(problem: PoolingProblem) -> dict[str, int]:
    """The exact rule-5 choice of supplier per offered sku (branch and bound)."""
    return _search(problem)


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


def _assemble(problem: PoolingProblem, choice: Mapping[str, int]) -> Assignment:
    """Turn a choice of supplier per sku into lines, fees and the total cost."""
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
    )


_NEVER = 1 << 62  # stands for "not offered" in comparisons of line values


def _cents(amount: Decimal) -> int:
    """A whole-cent amount as an int of cents."""
    return int(amount.scaleb(2))


class _Tables:
    """The problem in integer cents, suppliers as indexes 0..m-1 in ascending id order."""

    def __init__(self, problem: PoolingProblem) -> None:
        ids = sorted({line.supplier_id for ls in problem.candidates.values() for line in ls})
        index = {sid: i for i, sid in enumerate(ids)}
        self.ids = ids
        self.fee = [_cents(problem.suppliers[sid].shipping_fee) for sid in ids]
        self.threshold = [_threshold_cents(problem.suppliers[sid]) for sid in ids]
        self.values = {
            sku: {index[line.supplier_id]: _cents(line.line_total) for line in lines}
            for sku, lines in problem.candidates.items()
        }

    def cost(self, choice: Mapping[str, int]) -> int:
        """Total cost in cents of a choice of supplier index per sku."""
        loads: dict[int, int] = {}
        for sku, s in choice.items():
            loads[s] = loads.get(s, 0) + self.values[sku][s]
        fees = 0
        for s, load in loads.items():
            threshold = self.threshold[s]
            if threshold is None or load < threshold:
                fees += self.fee[s]
        return sum(loads.values()) + fees

    def covers(self, used: Sequence[int]) -> bool:
        """Whether every product is offered by one of the ``used`` suppliers."""
        return all(any(s in offers for s in used) for offers in self.values.values())


class _Tree:
    """Depth-first search over products in a fixed order, suppliers limited to ``allowed``.

    Bound = line values so far + the cheapest allowed line value of each remaining product
    + for each counted supplier short of free shipping, the lesser of its fee and the least
    extra (over those cheapest values) that could still lift its lines to free shipping.
    """

    def __init__(self, tables: _Tables, skus: Sequence[str], allowed: Sequence[int]) -> None:
        self.t = tables
        self.skus = list(skus)
        self.options = [
            [(s, v) for s, v in sorted(tables.values[sku].items()) if s in allowed]
            for sku in self.skus
        ]
        size, width = len(self.skus), len(tables.ids)
        self.min_rest = [0] * (size + 1)
        self.gain = [[0] * width for _ in range(size + 1)]
        lifts: list[list[tuple[int, int, int]]] = [[] for _ in range(width)]
        for depth in range(size - 1, -1, -1):
            opts = self.options[depth]
            cheapest = min(v for _, v in opts)
            self.min_rest[depth] = self.min_rest[depth + 1] + cheapest
            self.gain[depth] = list(self.gain[depth + 1])
            for s, value in opts:
                self.gain[depth][s] += value
                if value:
                    lifts[s].append((value - cheapest, value, depth))
        self.lifts = [sorted(ls, key=lambda e: Fraction(e[0], e[1])) for ls in lifts]
        self.loads = [0] * width
        self.counts = [0] * width
        self.chosen = [0] * size

    def bound(self, depth: int, lines: int, counted: Sequence[int]) -> int:
        """Lower bound on any completion's cost, with fees of ``counted`` suppliers only."""
        fees = 0
        for s in counted:
            fee, threshold = self.t.fee[s], self.t.threshold[s]
            if threshold is None:
                fees += fee
            elif fee and self.loads[s] < threshold:
                fees += self._lift(s, depth, threshold - self.loads[s], fee)
        return lines + self.min_rest[depth] + fees

    def _lift(self, s: int, depth: int, short: int, cap: int) -> int:
        """Least extra cost (fractional relaxation, rounded up) to add ``short`` cents of
        lines at ``s`` from the remaining products; ``cap`` if that is more or impossible."""
        if self.gain[depth][s] < short:
            return cap
        extra = 0
        for regret, value, at in self.lifts[s]:
            if at < depth:
                continue
            if value >= short:
                return min(cap, extra - (-regret * short // value))
            extra, short = extra + regret, short - value
            if extra >= cap:
                return cap
        return cap

    def settled(self, s: int, depth: int) -> bool:
        """Whether more lines at ``s`` can no longer change any fee (used, or fee-free)."""
        fee, threshold, load = self.t.fee[s], self.t.threshold[s], self.loads[s]
        if not fee:
            return True
        if not self.counts[s]:
            return False
        return threshold is None or load >= threshold or load + self.gain[depth][s] < threshold

    def used(self) -> tuple[int, ...]:
        return tuple(s for s, count in enumerate(self.counts) if count)

    def place(self, depth: int, s: int, value: int, step: int) -> None:
        self.loads[s] += value * step
        self.counts[s] += step
        self.chosen[depth] = s


class _Cheapest(_Tree):
    """Phase 1: the minimum cost C, products by falling regret, cheapest options first.

    Among suppliers whose fee is settled only the cheapest option is tried: the others
    cost more and change nothing else.
    """

    def __init__(self, tables: _Tables) -> None:
        skus = sorted(tables.values, key=lambda sku: (_regret_order(tables.values[sku]), sku))
        super().__init__(tables, skus, range(len(tables.ids)))
        self.best_cost, self.best_used = _good_start(tables)

    def visit(self, depth: int = 0, lines: int = 0) -> None:
        if self.bound(depth, lines, self.used()) >= self.best_cost:
            return
        if depth == len(self.skus):
            self.best_cost = self.bound(depth, lines, self.used())
            self.best_used = self.used()
            return
        for s, value in self._branches(depth):
            self.place(depth, s, value, 1)
            self.visit(depth + 1, lines + value)
            self.place(depth, s, value, -1)

    def _branches(self, depth: int) -> list[tuple[int, int]]:
        fee, counts = self.t.fee, self.counts
        branches, settled = [], []
        for s, value in self.options[depth]:
            (settled if self.settled(s, depth) else branches).append((s, value))
        if settled:
            branches.append(min(settled, key=lambda o: o[1]))
        return sorted(branches, key=lambda o: (o[1] + (0 if counts[o[0]] else fee[o[0]]), o[0]))


def _good_start(tables: _Tables) -> tuple[int, tuple[int, ...]]:
    """A good first incumbent: cheapest lines within small supplier sets, then moves."""
    width = len(tables.ids)
    sizes = [*range(1, min(width, 3) + 1), width] if width else [0]
    best: tuple[int, tuple[int, ...]] | None = None
    for size in sorted(set(sizes)):
        for within in combinations(range(width), size):
            if tables.covers(within):
                choice = {
                    sku: min(within, key=lambda s, v=v: (v.get(s, _NEVER), s))
                    for sku, v in tables.values.items()
                }
                found = _improve(tables, choice)
                best = found if best is None or found < best else best
    assert best is not None
    return best


def _improve(tables: _Tables, choice: dict[str, int]) -> tuple[int, tuple[int, ...]]:
    """Move single products while that lowers the cost; return (cost, used suppliers)."""
    cost = tables.cost(choice)
    improved = True
    while improved:
        improved = False
        for sku, values in tables.values.items():
            here = choice[sku]
            for s in values:
                choice[sku] = s
                moved = tables.cost(choice)
                if moved < cost:
                    cost, here, improved = moved, s, True
            choice[sku] = here
    return cost, tuple(sorted(set(choice.values())))


class _FirstInSkuOrder(_Tree):
    """Phase 2: the first assignment in sku order, lower ids first, using exactly ``used``
    suppliers at cost ``target`` (or None)."""

    def __init__(self, tables: _Tables, used: tuple[int, ...], target: int) -> None:
        super().__init__(tables, sorted(tables.values), used)
        self.required = used
        self.target = target
        self.last_depth = {s: -1 for s in used}
        for depth, opts in enumerate(self.options):
            for s, _ in opts:
                self.last_depth[s] = depth

    def find(self) -> tuple[int, ...] | None:
        return self.visit(0, 0)

    def visit(self, depth: int, lines: int) -> tuple[int, ...] | None:
        if self.bound(depth, lines, self.required) > self.target:
            return None
        if any(not self.counts[s] and self.last_depth[s] < depth for s in self.required):
            return None
        if depth == len(self.skus):
            return tuple(self.chosen)
        for s, value in self.options[depth]:
            self.place(depth, s, value, 1)
            found = self.visit(depth + 1, lines + value)
            self.place(depth, s, value, -1)
            if found is not None:
                return found
        return None


def _search(problem: PoolingProblem) -> dict[str, int]:
    """Phase 1 finds the minimum cost; phase 2 the best assignment at that cost under the
    tie-break: used supplier sets by (size, ids), the first that works, first in sku order."""
    tables = _Tables(problem)
    cheapest = _Cheapest(tables)
    cheapest.visit()
    assert cheapest.best_cost is not None
    best_used = cheapest.best_used
    for size in range(len(best_used) + 1):
        for used in combinations(range(len(tables.ids)), size):
            if (size, used) > (len(best_used), best_used):
                break
            if not tables.covers(used):
                continue
            found = _FirstInSkuOrder(tables, used, cheapest.best_cost).find()
            if found is not None:
                skus = sorted(tables.values)
                return {sku: tables.ids[s] for sku, s in zip(skus, found, strict=True)}
    raise AssertionError("phase 2 must find phase 1's own assignment")


def _threshold_cents(terms: SupplierTerms) -> int | None:
    """free_shipping_from in cents, rounded up (lines are whole cents)."""
    if terms.free_shipping_from is None:
        return None
    return int(terms.free_shipping_from.scaleb(2).to_integral_value(rounding=ROUND_CEILING))


def _regret_order(options: Mapping[int, int]) -> tuple[int, int]:
    """Sort key: products with one offer first, then by falling regret (2nd - 1st cheapest)."""
    values = sorted(options.values())
    if len(values) == 1:
        return 0, 0
    return 1, values[0] - values[1]
