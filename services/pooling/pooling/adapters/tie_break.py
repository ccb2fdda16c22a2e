"""The design's tie-break among optimal choices, settled with further solves of the model.

Ties on the total cost C (and the number of suppliers, already part of the objective) go
to the lower supplier ids: the smaller sorted tuple of suppliers used, then the smaller
sum of the ids the products go to, then SKU by SKU the lower id. Each step runs only
while the optimum is not unique, which one solve with the current choice cut off decides.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pooling.adapters.highs import HighsModel

log = logging.getLogger(__name__)


class OutOfTime(Exception):
    """The tie-break could not be settled within its time."""


class TieBreak:
    """Among optimal choices (same C, same count), the design's smallest one: the lowest
    supplier ids as a set, then products at the lowest ids (least sum of the ids chosen,
    then SKU by SKU). Each step costs a solve only while the optimum is not unique. The
    cost is proven already; if the time runs out here, the choice stays as far as it got."""

    def __init__(self, model: HighsModel, choice: dict[str, int], deadline: float) -> None:
        self.model, self.choice, self.deadline = model, choice, deadline
        self.done = False

    def run(self) -> dict[str, int]:
        steps = (self.smallest_supplier_set, self.least_id_sum, self.lowest_supplier_per_sku)
        try:
            for step in steps:
                if self.unique():
                    break
                step()
            self.done = True
        except OutOfTime:
            log.warning("ties among optimal choices not settled in time; cost is optimal")
        return self.choice

    def solve(self) -> np.ndarray | None:
        return self.model.settle(self.deadline)

    def unique(self) -> bool:
        """Whether no other choice (under the fixings so far) is as good."""
        cut = self.model.cut_off(self.choice)
        try:
            return self.solve() is None
        finally:
            self.model.drop_row(cut)

    def smallest_supplier_set(self) -> None:
        """Supplier by supplier, ascending: used if some optimal choice can use it."""
        model = self.model
        for sid in sorted(model.y):
            used = set(self.choice.values())
            if sid in used:
                model.fix(model.y[sid], 1)
                continue
            if sid < max(used):
                model.fix(model.y[sid], 1)
                values = self.solve()
                if values is not None:
                    self.choice = model.choice_of(values)
                    continue
            model.fix(model.y[sid], 0)

    def least_id_sum(self) -> None:
        """Among the optimal choices, one whose products go to the least sum of ids."""
        model = self.model
        ids = np.zeros(len(model.cost))
        for (_sku, sid), column in model.x.items():
            ids[column] = sid
        columns = np.arange(len(ids), dtype=np.int32)
        model.highs.changeColsCost(len(ids), columns, ids)
        values = self.solve()
        assert values is not None, "the current choice is feasible"
        self.choice = model.choice_of(values)
        model.highs.addRow(-np.inf, float(ids @ np.round(values)) + 0.5, len(ids), columns, ids)

    def lowest_supplier_per_sku(self) -> None:
        """SKU by SKU, ascending: the lowest supplier id some optimal choice gives it."""
        model = self.model
        used = set(self.choice.values())
        for sku in model.skus:
            for sid, _cents in model.options(sku):
                if sid >= self.choice[sku]:
                    break
                if sid not in used:
                    continue
                model.fix(model.x[sku, sid], 1)
                values = self.solve()
                if values is not None:
                    self.choice = model.choice_of(values)
                    break
                model.fix(model.x[sku, sid], 0)
            model.fix(model.x[sku, self.choice[sku]], 1)
