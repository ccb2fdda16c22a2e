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

from pooling.domain.model import Assignment, Offer, PricedLine, SupplierTerms
from pooling.domain.pricing import ZERO, price_line, shipping_fee_due

# (total cents, supplier count, used supplier indexes, supplier index per sku in sku order)
_Key = tuple[int, int, tuple[int, ...], tuple[int, ...]]


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
    return _BranchAndBound(problem).solve()


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


def _cents(amount: Decimal) -> int:
    """A whole-cent amount as an int of cents."""
    return int(amount.scaleb(2))


class _BranchAndBound:
    """Depth-first search over products by falling regret, with exact pruning.

    Bound = line values so far + the cheapest line value of every remaining product
    + the fees of used suppliers that can no longer reach their free-shipping amount.
    A node is cut only if no completion can beat the incumbent under the full key.
    """

    def __init__(self, problem: PoolingProblem) -> None:
        ids = sorted({line.supplier_id for ls in problem.candidates.values() for line in ls})
        index = {sid: i for i, sid in enumerate(ids)}
        self.ids = ids
        self.fee = [_cents(problem.suppliers[sid].shipping_fee) for sid in ids]
        self.threshold = [_threshold_cents(problem.suppliers[sid]) for sid in ids]
        options = {
            sku: [(index[line.supplier_id], _cents(line.line_total)) for line in lines]
            for sku, lines in problem.candidates.items()
        }
        self.skus = sorted(options, key=lambda sku: (_regret_order(options[sku]), sku))
        self.options = [options[sku] for sku in self.skus]
        self.depth_of_rank = [self.skus.index(sku) for sku in sorted(self.skus)]
        self._suffix_sums()
        self.loads = [0] * len(ids)
        self.counts = [0] * len(ids)
        self.chosen = [0] * len(self.skus)
        self.best: _Key | None = None

    def _suffix_sums(self) -> None:
        """Per depth: cheapest line values still to come, and most each supplier can gain."""
        size = len(self.skus)
        self.min_rest = [0] * (size + 1)
        self.max_gain = [[0] * len(self.ids) for _ in range(size + 1)]
        for depth in range(size - 1, -1, -1):
            opts = self.options[depth]
            self.min_rest[depth] = self.min_rest[depth + 1] + min(v for _, v in opts)
            gain = self.max_gain[depth] = list(self.max_gain[depth + 1])
            for s, value in opts:
                gain[s] += value

    def solve(self) -> dict[str, int]:
        """Run the search; return the best choice as sku -> supplier id."""
        self._visit(0, 0)
        assert self.best is not None
        return {sku: self.ids[s] for sku, s in zip(sorted(self.skus), self.best[3], strict=True)}

    def _visit(self, depth: int, lines: int) -> None:
        bound = lines + self.min_rest[depth] + self._certain_fees(depth)
        if not self._may_improve(bound, depth):
            return
        if depth == len(self.skus):
            self.best = self._key(bound)
            return
        counts, loads, fee = self.counts, self.loads, self.fee
        order = sorted(
            self.options[depth], key=lambda o: (o[1] + (0 if counts[o[0]] else fee[o[0]]), o[0])
        )
        for s, value in order:
            loads[s] += value
            counts[s] += 1
            self.chosen[depth] = s
            self._visit(depth + 1, lines + value)
            loads[s] -= value
            counts[s] -= 1

    def _certain_fees(self, depth: int) -> int:
        """Fees of used suppliers that stay below free shipping whatever comes next."""
        total = 0
        gain = self.max_gain[depth]
        for s, count in enumerate(self.counts):
            if count and self.fee[s]:
                threshold = self.threshold[s]
                if threshold is None or self.loads[s] + gain[s] < threshold:
                    total += self.fee[s]
        return total

    def _used(self) -> tuple[int, ...]:
        return tuple(s for s, count in enumerate(self.counts) if count)

    def _key(self, cost: int) -> _Key:
        used = self._used()
        return cost, len(used), used, tuple(self.chosen[d] for d in self.depth_of_rank)

    def _may_improve(self, bound: int, depth: int) -> bool:
        """False only if no completion of this node can beat the incumbent's key."""
        best = self.best
        if best is None or bound < best[0]:
            return True
        if bound > best[0]:
            return False
        used = self._used()
        if used != best[2]:
            # More suppliers can only be added; with fewer or different ones, compare.
            return (len(used), used) < (best[1], best[2])
        for rank, depth_here in enumerate(self.depth_of_rank):
            if depth_here >= depth:
                return True
            if self.chosen[depth_here] != best[3][rank]:
                return self.chosen[depth_here] < best[3][rank]
        return False


def _threshold_cents(terms: SupplierTerms) -> int | None:
    """free_shipping_from in cents, rounded up (lines are whole cents)."""
    if terms.free_shipping_from is None:
        return None
    return int(terms.free_shipping_from.scaleb(2).to_integral_value(rounding=ROUND_CEILING))


def _regret_order(options: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Sort key: products with one offer first, then by falling regret (2nd - 1st cheapest)."""
    values = sorted(value for _, value in options)
    if len(values) == 1:
        return 0, 0
    return 1, values[0] - values[1]
