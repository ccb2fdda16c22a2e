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
line's value (what counts towards free shipping). Fairness (no member pays more for its
strict quantities than in the strict optimum) depends on rule 6's fee shares, rounded
by largest remainder; it is checked exactly on each optimum found, and an unfair plan is
cut off (``sum of its z <= products - 1``) before solving again: the first fair optimum
is the fair optimum.
"""

from __future__ import annotations

import logging
import time

import highspy
import numpy as np

from pooling.adapters.highs import CENTS, _cents_at_least, _new_highs, _Rows, run_highs
from pooling.adapters.tie_break import OutOfTime
from pooling.domain.flexible import Fairness, FlexProblem, FlexSolution, Plan

log = logging.getLogger(__name__)

MAX_CUTS = 500  # unfair optima cut off before the strict plan (filled) is kept instead


class FlexModel:
    def __init__(self, problem: FlexProblem, time_limit: float) -> None:
        self.problem = problem
        suppliers = sorted(
            {o.line.supplier_id for options in problem.options.values() for o in options}
        )
        weight = len(suppliers) + 1
        cost: list[int] = []
        self.z: dict[tuple[str, int], int] = {}
        loads: dict[int, list[tuple[int, int]]] = {sid: [] for sid in suppliers}
        for sku, options in problem.options.items():
            for index, option in enumerate(options):
                self.z[sku, index] = len(cost)
                cost.append(_cents(option.net) * weight)
                loads[option.line.supplier_id].append(
                    (len(cost) - 1, _cents(option.line.line_total))
                )
        self.y, self.w = {}, {}
        rows = _Rows()
        for sid in suppliers:
            terms = problem.suppliers[sid]
            fee = _cents(terms.shipping_fee)
            self.y[sid] = len(cost)
            cost.append(fee * weight + 1)
            if fee and terms.free_shipping_from is not None:
                self.w[sid] = len(cost)
                cost.append(-fee * weight)
                threshold = _cents_at_least(terms.free_shipping_from)
                rows.add(0, np.inf, [*loads[sid], (self.w[sid], -threshold)])
                rows.add(-np.inf, 0, ((self.w[sid], 1), (self.y[sid], -1)))
        for sku, options in problem.options.items():
            rows.add(1, 1, ((self.z[sku, i], 1) for i in range(len(options))))
            for sid in {o.line.supplier_id for o in options}:
                at = [
                    (self.z[sku, i], 1) for i, o in enumerate(options) if o.line.supplier_id == sid
                ]
                rows.add(-np.inf, 0, [*at, (self.y[sid], -1)])
        self.cost = np.array(cost, dtype=np.float64)
        self.highs = _new_highs(time_limit)
        count = len(cost)
        empty = np.zeros(count + 1, dtype=np.int32)
        self.highs.addCols(
            count, self.cost, np.zeros(count), np.ones(count), 0, empty, empty[:0], np.zeros(0)
        )
        integrality = np.full(count, highspy.HighsVarType.kInteger)
        self.highs.changeColsIntegrality(count, np.arange(count, dtype=np.int32), integrality)
        rows.flush(self.highs)

    def best(self, deadline: float) -> Plan:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutOfTime
        self.highs.setOptionValue("time_limit", remaining)
        if run_highs(self.highs) != highspy.HighsModelStatus.kOptimal:
            raise OutOfTime
        values = self.highs.getSolution().col_value
        return {sku: i for (sku, i), column in self.z.items() if values[column] > 0.5}

    def cut_off(self, plan: Plan) -> None:
        columns = np.array([self.z[sku, i] for sku, i in plan.items()], dtype=np.int32)
        self.highs.addRow(-np.inf, len(columns) - 1, len(columns), columns, np.ones(len(columns)))


def best_fair_plan(problem: FlexProblem, fair: Fairness, time_limit: float) -> FlexSolution:
    """The cheapest fair plan; the strict plan (always fair) if none is proven in time."""
    model = FlexModel(problem, time_limit)
    deadline = time.monotonic() + time_limit
    try:
        for _ in range(MAX_CUTS):
            plan = model.best(deadline)
            if fair(plan):
                return FlexSolution(plan)
            model.cut_off(plan)
    except OutOfTime:
        log.warning("no fair flexible plan proven in time; the strict one is kept")
        return FlexSolution(problem.strict, optimal=False)
    log.warning("more than %s unfair flexible plans; the strict one is kept", MAX_CUTS)
    return FlexSolution(problem.strict, optimal=False)


def _cents(amount: object) -> int:
    return int(amount * CENTS)  # type: ignore[operator]
