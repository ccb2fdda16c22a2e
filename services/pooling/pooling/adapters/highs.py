"""Rule 5 as a mixed-integer programme on HiGHS: the exact cheapest bundle, at scale.

Variables, all binary: ``x[p, s]`` product p goes to supplier s; ``y[s]`` s is
used; ``w[s]`` s's shipping fee is waived. In integer cents, with K = (number
of suppliers + 1):

    minimise  K * (sum v[p,s] x[p,s] + sum fee[s] (y[s] - w[s])) + sum y[s]
    s.t.      sum_s x[p,s] = 1                   every product to one supplier
              x[p,s] <= y[s]                     only used suppliers deliver
              sum_p v[p,s] x[p,s] >= T[s] w[s]    a fee is waived only from T[s]
              w[s] <= y[s]

Every coefficient is an integer, so the optimum is exact when HiGHS proves it
with an absolute gap below one: the smallest total cost C first, then the
fewest suppliers. The rest of the design's tie-break (the smaller sorted tuple
of supplier ids, then per SKU the lower supplier id) is applied exactly only
when the optimum is not unique, which one more solve with the found solution
cut off decides.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

import highspy
import numpy as np

from pooling.adapters import solver_pool
from pooling.adapters.highs_common import CENTS, Rows, cents_at_least, new_highs, run_highs
from pooling.adapters.tie_break import OutOfTime, TieBreak
from pooling.domain.baselines import Baselines, member_baselines
from pooling.domain.flexible import Fairness, FlexProblem, FlexSolution
from pooling.domain.model import Offer, SupplierTerms
from pooling.domain.optimise import PoolingProblem, Solution


@dataclass(frozen=True)
class Market:
    """A pooling problem in integer cents, small enough to send to a worker process."""

    skus: tuple[str, ...]
    options: tuple[tuple[tuple[int, int], ...], ...]  # per SKU: (supplier id, cents), by id
    fees: dict[int, tuple[int, int | None]]  # supplier: (fee cents, free from cents or None)

    @classmethod
    def of(cls, problem: PoolingProblem) -> Market:
        skus = tuple(sorted(problem.candidates))
        options = tuple(
            tuple(
                (line.supplier_id, int(line.line_total * CENTS)) for line in problem.candidates[sku]
            )
            for sku in skus
        )
        offered = {sid for per_sku in options for sid, _cents in per_sku}
        fees = {}
        for sid in sorted(offered):
            terms = problem.suppliers[sid]
            free_from = terms.free_shipping_from
            threshold = None if free_from is None else cents_at_least(free_from)
            fees[sid] = (int(terms.shipping_fee * CENTS), threshold)
        return cls(skus, options, fees)


@dataclass
class _Columns:
    cost: list[int] = field(default_factory=list)

    def add(self, cost: int) -> int:
        self.cost.append(cost)
        return len(self.cost) - 1


class HighsModel:
    """The MILP of one pooling problem, solvable again under extra fixings and cuts."""

    def __init__(self, market: Market, time_limit: float, *, small: bool = False) -> None:
        self.market = market
        self.skus = market.skus
        self._options = dict(zip(market.skus, market.options, strict=True))
        self.weight = len(market.fees) + 1
        columns = _Columns()
        self.x: dict[tuple[str, int], int] = {}
        self.load: dict[int, list[tuple[int, int]]] = {sid: [] for sid in market.fees}
        for sku, per_sku in zip(market.skus, market.options, strict=True):
            for sid, cents in per_sku:
                column = columns.add(cents * self.weight)
                self.x[sku, sid] = column
                self.load[sid].append((column, cents))
        self.y: dict[int, int] = {}
        self.w: dict[int, int] = {}
        for sid, (fee, threshold) in market.fees.items():
            self.y[sid] = columns.add(fee * self.weight + 1)
            if fee and threshold is not None:
                self.w[sid] = columns.add(-fee * self.weight)
        self.cost = np.array(columns.cost, dtype=np.float64)
        self.highs = new_highs(time_limit, small=small)
        self._add_columns(len(columns.cost))
        self._add_rows()

    def options(self, sku: str) -> tuple[tuple[int, int], ...]:
        return self._options[sku]

    def _add_columns(self, count: int) -> None:
        h = self.highs
        empty = np.zeros(count + 1, dtype=np.int32)
        h.addCols(
            count, self.cost, np.zeros(count), np.ones(count), 0, empty, empty[:0], np.zeros(0)
        )
        integrality = np.full(count, highspy.HighsVarType.kInteger)
        h.changeColsIntegrality(count, np.arange(count, dtype=np.int32), integrality)

    def _add_rows(self) -> None:
        rows = Rows()
        for sku, per_sku in zip(self.skus, self.market.options, strict=True):
            rows.add(1, 1, ((self.x[sku, sid], 1) for sid, _cents in per_sku))
        for (_sku, sid), column in self.x.items():
            rows.add(-np.inf, 0, ((column, 1), (self.y[sid], -1)))
        for sid, column in self.w.items():
            threshold = self.market.fees[sid][1]
            rows.add(0, np.inf, [*self.load[sid], (column, -threshold)])
            rows.add(-np.inf, 0, ((column, 1), (self.y[sid], -1)))
        rows.flush(self.highs)

    def run(self) -> highspy.HighsModelStatus:
        return run_highs(self.highs)

    def solve(self) -> tuple[np.ndarray | None, bool, float]:
        """Solve; the column values (None if infeasible), whether proven optimal, the gap."""
        h = self.highs
        status = self.run()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, True, 0.0
        info = h.getInfo()
        values = np.array(h.getSolution().col_value)
        if status == highspy.HighsModelStatus.kOptimal:
            return values, True, 0.0
        if info.primal_solution_status != 2:  # no feasible solution within the time limit
            raise TimeoutError("HiGHS found no solution within its time limit")
        return values, False, max(0.0, info.objective_function_value - info.mip_dual_bound)

    def settle(self, deadline: float) -> np.ndarray | None:
        """Solve to a proven answer before ``deadline`` (monotonic): the values of an
        optimal choice, or None if there is none; ``OutOfTime`` otherwise."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutOfTime
        self.highs.setOptionValue("time_limit", remaining)
        status = self.run()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise OutOfTime
        return np.array(self.highs.getSolution().col_value)

    def choice_of(self, values: np.ndarray) -> dict[str, int]:
        return {sku: sid for (sku, sid), col in self.x.items() if values[col] > 0.5}

    def values_of(self, choice: dict[str, int]) -> np.ndarray:
        """The column values of a choice: its lines, its suppliers, their waived fees."""
        values = np.zeros(len(self.cost))
        loads: dict[int, int] = {}
        for sku, per_sku in zip(self.skus, self.market.options, strict=True):
            for sid, cents in per_sku:
                if choice[sku] == sid:
                    values[self.x[sku, sid]] = 1
                    loads[sid] = loads.get(sid, 0) + cents
        for sid, load in loads.items():
            values[self.y[sid]] = 1
            threshold = self.market.fees[sid][1]
            if sid in self.w and threshold is not None and load >= threshold:
                values[self.w[sid]] = 1
        return values

    def objective_of(self, values: np.ndarray) -> int:
        return round(float(self.cost @ np.round(values)))

    def bound_objective(self, objective: int) -> None:
        """From now on only solutions as good as ``objective`` are feasible."""
        columns = np.arange(len(self.cost), dtype=np.int32)
        self.highs.addRow(-np.inf, objective + 0.5, len(columns), columns, self.cost)

    def cut_off(self, choice: dict[str, int]) -> int:
        """Exclude exactly this choice; returns the row's index (to remove it again)."""
        columns = np.array([self.x[sku, sid] for sku, sid in choice.items()], dtype=np.int32)
        self.highs.addRow(-np.inf, len(columns) - 1, len(columns), columns, np.ones(len(columns)))
        return self.highs.getNumRow() - 1

    def drop_row(self, row: int) -> None:
        self.highs.deleteRows(1, np.array([row], dtype=np.int32))

    def fix(self, column: int, value: int) -> None:
        self.highs.changeColBounds(column, value, value)

    def free(self, column: int) -> None:
        self.highs.changeColBounds(column, 0, 1)


def _cheapest_lines(market: Market) -> dict[str, int]:
    return {
        sku: min(per_sku, key=lambda option: (option[1], option[0]))[0]
        for sku, per_sku in zip(market.skus, market.options, strict=True)
    }


class HighsSolver:
    """The service's ``Solver``: exact, deterministic, bounded in time.

    Many small problems take a few milliseconds each; from ``PARALLEL_FROM`` on they
    are solved on every core, by worker processes started once per process (starting
    them costs about a second: fewer problems are solved here sooner). A close of
    ``BESIDE_FROM`` needs or more has the members' baselines computed by those workers
    while it optimises the pool (``solver_pool``).
    """

    PARALLEL_FROM = 1000
    BESIDE_FROM = 5000  # needs: from here the baselines are worth the workers' round trip

    def __init__(
        self, time_limit: float = 30.0, workers: int | None = None, tie_break_limit: float = 5.0
    ) -> None:
        self.time_limit = time_limit
        self.tie_break_limit = tie_break_limit
        self.workers = workers or os.cpu_count() or 1

    def solve_all(
        self, problems: Sequence[PoolingProblem], *, tie_break: bool = True
    ) -> list[Solution]:
        markets = [Market.of(problem) for problem in problems]
        solve = partial(self.solve_market, tie_break=tie_break, small=True)
        if self.workers == 1 or len(markets) < self.PARALLEL_FROM:
            return [solve(market) for market in markets]
        chunk = max(1, len(markets) // (self.workers * 4))
        return list(solver_pool.pool(self.workers).map(solve, markets, chunksize=chunk))

    def start_baselines(
        self,
        demand: Mapping[int, Mapping[str, Decimal]],
        offers: Mapping[str, Sequence[Offer]],
        suppliers: Mapping[int, SupplierTerms],
    ) -> Callable[[], Baselines]:
        """Every member's baseline: from ``BESIDE_FROM`` needs on in the worker processes
        while this one optimises the pool, else here and now."""
        needs = sum(len(wanted) for wanted in demand.values())
        if self.workers > 1 and needs >= self.BESIDE_FROM:
            return solver_pool.baselines_beside(
                demand, offers, suppliers, self.time_limit, self.workers
            )
        found = member_baselines(demand, offers, suppliers, self)
        return lambda: found

    def warm(self) -> None:
        """Start the worker processes now, not at the first close that needs them."""
        if self.workers > 1:
            solver_pool.warm(self.workers)

    def flexible(self, problem: FlexProblem, fair: Fairness) -> FlexSolution:
        """The cheapest fair plan for the window's flexible needs (``flex_highs``)."""
        from pooling.adapters.flex_highs import best_fair_plan  # it builds on this module

        return best_fair_plan(problem, fair, self.time_limit)

    def __call__(self, problem: PoolingProblem, *, tie_break: bool = True) -> Solution:
        """Rule 5 with the design's tie-break; says so when the optimum is not proven."""
        return self.solve_market(Market.of(problem), tie_break=tie_break)

    def solve_market(
        self, market: Market, *, tie_break: bool = True, small: bool = False
    ) -> Solution:
        if not market.skus:
            return Solution({})
        model = HighsModel(market, self.time_limit, small=small)
        try:
            values, optimal, gap = model.solve()
        except TimeoutError:  # not even a feasible choice yet: the cheapest lines will do
            values, optimal = model.values_of(_cheapest_lines(market)), False
            gap = model.objective_of(values) - max(0.0, model.highs.getInfo().mip_dual_bound)
        assert values is not None, "every product has an offer, so some choice is feasible"
        choice = model.choice_of(values)
        if not optimal:
            return Solution(choice, False, Decimal(int(gap) // model.weight) / CENTS)
        if not tie_break:
            return Solution(choice)
        model.bound_objective(model.objective_of(values))
        settled = TieBreak(model, choice, time.monotonic() + self.tie_break_limit)
        return Solution(settled.run(), ties_settled=settled.done)
