"""The flexible close as a mixed-integer programme on HiGHS (see ``domain.flexible``).

Variables, all binary: ``z[p, o]`` product p is ordered by its option o (an offer and a
number of packs); ``y[s]`` supplier s is used; ``w[s]`` s's fee is waived. In integer
cents, with K = (number of suppliers + 1):

    minimise  K * (sum net[p,o] z[p,o] + sum fee[s] (y[s] - w[s])) + sum y[s]
    s.t.      sum_o z[p,o] = 1                        one option per product
              sum_{o at s} z[p,o] <= y[s]             only used suppliers deliver
              sum line[p,o] z[p,o] over s >= T[s] w[s]  a fee is waived only from T[s]
              w[s] <= y[s]

``net`` is the line's value less what the members pay for the extra, ``line`` the
line's value (what counts towards free shipping). Options dearer per unit than the
strict line are left out (``domain.flexible``), and a supplier that charges its fee
keeps its strict lines: for its options o (strict option o0),

    y[s] - w[s] + z[p,o] <= 1   (o is not p's strict option)
    y[s] - w[s] - z[p,o0] <= 0

These keep every member at or below its strict price for its strict quantities; each
optimum found is still checked member by member to the cent. Should one fail, what that
member pays depends only on the lines of the suppliers S serving it, and that
configuration is cut off before solving again:

    sum_{p at S} z[p, o_p] - sum_{p not at S, o at S} z[p, o] <= |products at S| - 1.
"""

from __future__ import annotations

import logging
import time

import highspy
import numpy as np

from pooling.adapters.highs_common import CENTS, Rows, cents_at_least, new_highs, run_highs
from pooling.adapters.tie_break import OutOfTime
from pooling.domain.flexible import Fairness, FlexProblem, FlexSolution, Plan

log = logging.getLogger(__name__)

MAX_CUTS = 500  # unfair optima cut off before the strict plan (filled) is kept instead


class FlexModel:
    def __init__(self, problem: FlexProblem, time_limit: float) -> None:
        self.problem = problem
        self.suppliers = sorted(
            {o.line.supplier_id for options in problem.options.values() for o in options}
        )
        self.weight = len(self.suppliers) + 1
        self.cost: list[int] = []
        self.z: dict[tuple[str, int], int] = {}
        self.y: dict[int, int] = {}
        self.w: dict[int, int] = {}
        self.fee: dict[int, int] = {}
        rows = Rows()
        self._add_options()
        self._add_suppliers(rows)
        self._add_choices(rows)
        self.highs = new_highs(time_limit)
        count = len(self.cost)
        empty = np.zeros(count + 1, dtype=np.int32)
        costs = np.array(self.cost, dtype=np.float64)
        self.highs.addCols(
            count, costs, np.zeros(count), np.ones(count), 0, empty, empty[:0], np.zeros(0)
        )
        integrality = np.full(count, highspy.HighsVarType.kInteger)
        self.highs.changeColsIntegrality(count, np.arange(count, dtype=np.int32), integrality)
        rows.flush(self.highs)

    def _column(self, cost: int) -> int:
        self.cost.append(cost)
        return len(self.cost) - 1

    def _add_options(self) -> None:
        for sku, options in self.problem.options.items():
            for index, option in enumerate(options):
                self.z[sku, index] = self._column(_cents(option.net) * self.weight)

    def _add_suppliers(self, rows: Rows) -> None:
        """y and w per supplier, and the rows that waive a fee only from its threshold."""
        loads: dict[int, list[tuple[int, int]]] = {sid: [] for sid in self.suppliers}
        for (sku, index), column in self.z.items():
            line = self.problem.options[sku][index].line
            loads[line.supplier_id].append((column, _cents(line.line_total)))
        for sid in self.suppliers:
            terms = self.problem.suppliers[sid]
            self.fee[sid] = fee = _cents(terms.shipping_fee)
            self.y[sid] = self._column(fee * self.weight + 1)
            if fee and terms.free_shipping_from is not None:
                self.w[sid] = self._column(-fee * self.weight)
                threshold = cents_at_least(terms.free_shipping_from)
                rows.add(0, np.inf, [*loads[sid], (self.w[sid], -threshold)])
                rows.add(-np.inf, 0, ((self.w[sid], 1), (self.y[sid], -1)))

    def _add_choices(self, rows: Rows) -> None:
        """One option per product, at a used supplier; a supplier charging a fee keeps
        its strict lines (a line other than the strict one there, or the strict one
        not taken, only where the fee is waived)."""
        for sku, options in self.problem.options.items():
            rows.add(1, 1, ((self.z[sku, i], 1) for i in range(len(options))))
            for sid in {o.line.supplier_id for o in options}:
                at = [
                    (self.z[sku, i], 1) for i, o in enumerate(options) if o.line.supplier_id == sid
                ]
                rows.add(-np.inf, 0, [*at, (self.y[sid], -1)])
            for index, option in enumerate(options):
                sid = option.line.supplier_id
                if not self.fee[sid]:
                    continue
                charged = [(self.y[sid], 1)] + ([(self.w[sid], -1)] if sid in self.w else [])
                if index == self.problem.strict[sku]:
                    rows.add(-np.inf, 0, [*charged, (self.z[sku, index], -1)])
                else:
                    rows.add(-np.inf, 1, [*charged, (self.z[sku, index], 1)])

    def best(self, deadline: float) -> Plan:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutOfTime
        self.highs.setOptionValue("time_limit", remaining)
        if run_highs(self.highs) != highspy.HighsModelStatus.kOptimal:
            raise OutOfTime
        values = self.highs.getSolution().col_value
        return {sku: i for (sku, i), column in self.z.items() if values[column] > 0.5}

    def cut_off(self, plan: Plan, suppliers: frozenset[int]) -> None:
        """Exclude ``plan``'s lines at ``suppliers`` staying as they are."""
        kept, joining = [], []
        for sku, options in self.problem.options.items():
            chosen = plan[sku]
            if options[chosen].line.supplier_id in suppliers:
                kept.append(self.z[sku, chosen])
            else:
                joining += [
                    self.z[sku, i] for i, o in enumerate(options) if o.line.supplier_id in suppliers
                ]
        columns = np.array(kept + joining, dtype=np.int32)
        values = np.array([1.0] * len(kept) + [-1.0] * len(joining))
        self.highs.addRow(-np.inf, len(kept) - 1, len(columns), columns, values)


def best_fair_plan(problem: FlexProblem, fair: Fairness, time_limit: float) -> FlexSolution:
    """The cheapest fair plan; the strict plan (always fair) if none is proven in time."""
    model = FlexModel(problem, time_limit)
    deadline = time.monotonic() + time_limit
    cuts = 0
    try:
        while cuts < MAX_CUTS:
            plan = model.best(deadline)
            unfair = fair(plan)
            if not unfair:
                log.info("flexible plan settled after %s cuts", cuts)
                return FlexSolution(plan)
            for suppliers in unfair:
                model.cut_off(plan, suppliers)
            cuts += len(unfair)
    except OutOfTime:
        log.warning("no fair flexible plan proven in time; the strict one is kept")
        return FlexSolution(problem.strict, optimal=False)
    log.warning("more than %s unfair flexible plans; the strict one is kept", MAX_CUTS)
    return FlexSolution(problem.strict, optimal=False)


def _cents(amount: object) -> int:
    return int(amount * CENTS)  # type: ignore[operator]
