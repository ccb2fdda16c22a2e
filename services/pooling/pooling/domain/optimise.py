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


_NEVER = 1 << 62  # above any cost in cents: "impossible"


def _search(problem: PoolingProblem) -> dict[str, int]:
    """Exact rule 5 in two phases.

    Phase 1 finds the minimum cost C. Each candidate (supplier set U, set W of U's suppliers
    that reach free shipping) has a lower bound; candidates are searched in bound order
    until no bound is below the best cost found. Phase 2 finds, among the assignments that
    cost C, the one first in the tie-break: used sets by (size, ids), then sku order.
    """
    tables = _Tables(problem)
    if not tables.skus:
        return {}
    bases = tables.bases()
    best = min(_Tree(tables, tables.skus, within).cheapest() for _, within in bases)
    candidates: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
    trees: dict[tuple[int, ...], _Tree] = {}
    for base, within in bases:
        if base >= best[0]:
            break
        trees[within] = tree = _Tree(tables, tables.by_regret(within), within)
        candidates += [(b, within, w) for b, w in tree.waiver_sets(base, best[0] - 1)]
    for bound, within, waived in sorted(candidates):
        if bound >= best[0]:
            break
        found = _Cheapest(trees[within], waived, best[0]).run()
        best = found if found is not None else best
    return _first_at_cost(tables, dict((w, b) for b, w in bases), *best)


def _first_at_cost(
    tables: _Tables, bases: Mapping[tuple[int, ...], int], cost: int, used: tuple[int, ...]
) -> dict[str, int]:
    """Phase 2: the tie-break's first assignment that costs ``cost`` (``used`` reaches it)."""
    for size in range(len(used) + 1):
        for within in combinations(range(len(tables.ids)), size):
            if (size, within) > (len(used), used):
                break
            if bases.get(within, _NEVER) > cost:
                continue
            tree = _Tree(tables, tables.skus, within)
            found: tuple[int, ...] | None = None
            for _, waived in tree.waiver_sets(bases[within], cost):
                found = _Earliest(tree, waived, cost, found).run() or found
            if found is not None:
                return {sku: tables.ids[s] for sku, s in zip(tables.skus, found, strict=True)}
    raise AssertionError("phase 2 must reach the cost phase 1 found")


class _Tables:
    """The problem in integer cents, suppliers as indexes 0..m-1 in ascending id order."""

    def __init__(self, problem: PoolingProblem) -> None:
        ids = sorted({line.supplier_id for ls in problem.candidates.values() for line in ls})
        index = {sid: i for i, sid in enumerate(ids)}
        self.ids = ids
        self.threshold = [_threshold_cents(problem.suppliers[sid]) for sid in ids]
        # a fee that a threshold of 0 always waives is no fee at all
        self.fee = [
            0 if t is not None and t <= 0 else _cents(problem.suppliers[sid].shipping_fee)
            for sid, t in zip(ids, self.threshold, strict=True)
        ]
        self.values = {
            sku: {index[line.supplier_id]: _cents(line.line_total) for line in lines}
            for sku, lines in problem.candidates.items()
        }
        self.skus = sorted(self.values)

    def bases(self) -> list[tuple[int, tuple[int, ...]]]:
        """(sum of the cheapest lines within U, U) for every supplier set U offering all."""
        found = []
        for size in range(1, len(self.ids) + 1):
            for within in combinations(range(len(self.ids)), size):
                base = sum(min(v.get(s, _NEVER) for s in within) for v in self.values.values())
                if base < _NEVER:
                    found.append((base, within))
        return sorted(found)

    def by_regret(self, within: Sequence[int]) -> list[str]:
        """Skus with one option in U first, then by falling regret (2nd minus 1st cheapest)."""

        def key(sku: str) -> tuple[int, int, str]:
            values = sorted(v for s, v in self.values[sku].items() if s in within)
            return (0, 0, sku) if len(values) == 1 else (1, values[0] - values[1], sku)

        return sorted(self.skus, key=key)


class _Tree:
    """Search state over products in a fixed order, suppliers limited to ``within``."""

    def __init__(self, tables: _Tables, skus: Sequence[str], within: Sequence[int]) -> None:
        self.t, self.skus, self.within = tables, list(skus), tuple(within)
        self.options = [
            [(s, v) for s, v in sorted(tables.values[sku].items()) if s in within]
            for sku in self.skus
        ]
        size, width = len(self.skus), len(tables.ids)
        self.min_rest = [0] * (size + 1)
        self.gain = [[0] * width for _ in range(size + 1)]
        lifts: list[list[tuple[int, int, int]]] = [[] for _ in range(width)]
        for depth in range(size - 1, -1, -1):
            cheapest = min(v for _, v in self.options[depth])
            self.min_rest[depth] = self.min_rest[depth + 1] + cheapest
            self.gain[depth] = list(self.gain[depth + 1])
            for s, value in self.options[depth]:
                self.gain[depth][s] += value
                if value:
                    lifts[s].append((value - cheapest, value, depth))
        self.lifts = [sorted(ls, key=lambda e: Fraction(e[0], e[1])) for ls in lifts]
        self.loads, self.counts, self.chosen = [0] * width, [0] * width, [0] * size

    def lift(self, s: int, depth: int, short: int) -> int:
        """Least extra over the cheapest lines (fractional relaxation, rounded up) that adds
        ``short`` cents of lines at ``s`` from products ``depth`` on; _NEVER if impossible."""
        if self.gain[depth][s] < short:
            return _NEVER
        extra = 0
        for regret, value, at in self.lifts[s]:
            if at < depth:
                continue
            if value >= short:
                return extra - (-regret * short // value)
            extra, short = extra + regret, short - value
        return _NEVER

    def waiver_sets(self, base: int, at_most: int) -> list[tuple[int, tuple[int, ...]]]:
        """(bound, W) for every set W of suppliers that could reach free shipping, bound
        = base + fees outside W + least extra to lift each of W to free shipping."""
        t, found = self.t, []
        waivable = [s for s in self.within if t.fee[s] and t.threshold[s] is not None]
        fees = sum(t.fee[s] for s in self.within)
        lifts = {s: self.lift(s, 0, t.threshold[s] or 0) - t.fee[s] for s in waivable}
        for size in range(len(waivable) + 1):
            for waived in combinations(waivable, size):
                bound = base + fees + sum(lifts[s] for s in waived)
                if bound <= at_most:
                    found.append((bound, waived))
        return sorted(found)

    def cheapest(self) -> tuple[int, tuple[int, ...]]:
        """(cost, used suppliers) of taking the cheapest line within U for every product."""
        picks = [min(options, key=lambda o: (o[1], o[0])) for options in self.options]
        for step in (1, -1):
            for depth, (s, value) in enumerate(picks):
                self.place(depth, s, value, step)
            if step == 1:
                cost, used = self.cost(), self.used()
        return cost, used

    def cost(self) -> int:
        """The true cost of a complete assignment."""
        t, total = self.t, 0
        for s, load in enumerate(self.loads):
            threshold = t.threshold[s]
            if self.counts[s] and (threshold is None or load < threshold):
                total += t.fee[s]
        return total + sum(self.loads)

    def used(self) -> tuple[int, ...]:
        return tuple(s for s, count in enumerate(self.counts) if count)

    def place(self, depth: int, s: int, value: int, step: int) -> None:
        self.loads[s] += value * step
        self.counts[s] += step
        self.chosen[depth] = s


class _Waived:
    """A tree with a fixed set W of suppliers that must reach free shipping; the other
    suppliers of U are charged their fee. Bound = lines so far + those fees + the larger of
    (cheapest remaining lines + for each of W, the least extra to lift it to free shipping)
    and (what W still lacks in all + cheapest lines of the products W cannot take)."""

    def __init__(self, tree: _Tree, waived: tuple[int, ...]) -> None:
        self.tree, self.waived = tree, waived
        self.fees = sum(tree.t.fee[s] for s in tree.within if s not in waived)
        size = len(tree.skus)
        self.joint = [0] * (size + 1)  # the most lines W can still get, all together
        self.elsewhere = [0] * (size + 1)  # cheapest lines of products W cannot take
        for depth in range(size - 1, -1, -1):
            options = tree.options[depth]
            most = max((v for s, v in options if s in waived), default=None)
            self.joint[depth] = self.joint[depth + 1] + (most or 0)
            self.elsewhere[depth] = self.elsewhere[depth + 1]
            if most is None:
                self.elsewhere[depth] += min(v for _, v in options)

    def bound(self, depth: int, lines: int) -> int:
        tree, extra, short_all = self.tree, 0, 0
        for s in self.waived:
            short = tree.t.threshold[s] - tree.loads[s]  # type: ignore[operator]
            if short > 0:
                short_all += short
                extra += tree.lift(s, depth, short)
        if short_all > self.joint[depth]:
            return _NEVER
        rest = max(tree.min_rest[depth] + extra, short_all + self.elsewhere[depth])
        return lines + self.fees + rest


class _Cheapest(_Waived):
    """Phase 1 within (U, W): an assignment cheaper than ``below``, as cheap as possible.

    Options at suppliers whose fee is settled (outside W, or already free) differ only in
    price, so only the cheapest of them is tried."""

    def __init__(self, tree: _Tree, waived: tuple[int, ...], below: int) -> None:
        super().__init__(tree, waived)
        self.below = below
        self.found: tuple[int, tuple[int, ...]] | None = None

    def run(self) -> tuple[int, tuple[int, ...]] | None:
        self.visit(0, 0)
        return self.found

    def visit(self, depth: int, lines: int) -> None:
        tree = self.tree
        if self.bound(depth, lines) >= self.below:
            return
        if depth == len(tree.skus):
            self.below = tree.cost()
            self.found = (self.below, tree.used())
            return
        for s, value in self._branches(depth):
            tree.place(depth, s, value, 1)
            self.visit(depth + 1, lines + value)
            tree.place(depth, s, value, -1)

    def _branches(self, depth: int) -> list[tuple[int, int]]:
        tree, open_, settled = self.tree, [], []
        for s, value in tree.options[depth]:
            short = s in self.waived and tree.loads[s] < tree.t.threshold[s]  # type: ignore[operator]
            (open_ if short else settled).append((s, value))
        if settled:
            open_.append(min(settled, key=lambda o: o[1]))
        return sorted(open_, key=lambda o: o[1])


class _Earliest(_Waived):
    """Phase 2 within (U, W): the first assignment in sku order, lower ids first, that uses
    every supplier of U, costs at most ``cost`` and comes before ``before`` (if given)."""

    def __init__(
        self, tree: _Tree, waived: tuple[int, ...], cost: int, before: tuple[int, ...] | None
    ) -> None:
        super().__init__(tree, waived)
        self.cost, self.before = cost, before
        self.last = {
            s: max(d for d, o in enumerate(tree.options) if s in dict(o)) for s in tree.within
        }

    def run(self) -> tuple[int, ...] | None:
        return self.visit(0, 0, self.before is not None)

    def visit(self, depth: int, lines: int, tight: bool) -> tuple[int, ...] | None:
        tree = self.tree
        if self.bound(depth, lines) > self.cost:
            return None
        if any(not tree.counts[s] and last < depth for s, last in self.last.items()):
            return None
        if depth == len(tree.skus):
            return None if tight else tuple(tree.chosen)
        limit = self.before[depth] if tight and self.before else None
        for s, value in tree.options[depth]:
            if limit is not None and s > limit:
                break
            tree.place(depth, s, value, 1)
            found = self.visit(depth + 1, lines + value, limit == s)
            tree.place(depth, s, value, -1)
            if found is not None:
                return found
        return None


def _cents(amount: Decimal) -> int:
    """A whole-cent amount as an int of cents."""
    return int(amount.scaleb(2))


def _threshold_cents(terms: SupplierTerms) -> int | None:
    """free_shipping_from in cents, rounded up (lines are whole cents)."""
    if terms.free_shipping_from is None:
        return None
    return int(terms.free_shipping_from.scaleb(2).to_integral_value(rounding=ROUND_CEILING))
