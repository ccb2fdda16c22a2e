"""What pooling's HiGHS models share (rule 5's in ``highs``, the flexible plan's in
``flex_highs``): the instance and its options, amounts in integer cents, running it, and
rows added in one call."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

import highspy
import numpy as np

CENTS = Decimal(100)
PRESOLVE_ENUMERATION = 1 << 16  # the bit of HiGHS's presolve rule "enumerate solutions"


def run_highs(h: highspy.Highs) -> highspy.HighsModelStatus:
    """Run HiGHS; a solve error (a presolve reduction HiGHS could not undo) is solved
    again without presolve, so that it never passes for running out of time."""
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kSolveError:
        h.setOptionValue("presolve", "off")
        h.run()
        h.setOptionValue("presolve", "choose")
        status = h.getModelStatus()
    return status


class Rows:
    """Constraint rows gathered, then added to a model in one call."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, lower: float, upper: float, entries: Iterable[tuple[int, float]]) -> None:
        self.lower.append(lower)
        self.upper.append(upper)
        self.starts.append(len(self.index))
        for column, coefficient in entries:
            self.index.append(column)
            self.value.append(coefficient)

    def flush(self, h: highspy.Highs) -> None:
        h.addRows(
            len(self.lower),
            np.array(self.lower),
            np.array(self.upper),
            len(self.index),
            np.array(self.starts, dtype=np.int32),
            np.array(self.index, dtype=np.int32),
            np.array(self.value, dtype=np.float64),
        )


def cents_at_least(amount: Decimal) -> int:
    """Whole cents of line values reach ``amount`` from this many cents on."""
    return int((amount * CENTS).to_integral_value(rounding=ROUND_CEILING))


def new_highs(time_limit: float, *, small: bool = False) -> highspy.Highs:
    """A HiGHS instance for one model. A small model (a member's baseline) is solved
    without the feasibility-jump heuristic: on a hundred binaries HiGHS proves the
    optimum at the root within milliseconds, and the heuristic alone took twice that."""
    h = highspy.Highs()
    for option, value in {
        "output_flag": False,
        "mip_rel_gap": 0.0,
        "mip_abs_gap": 0.5,  # the objective is integral: a gap below 1 proves the optimum
        "time_limit": float(time_limit),
        "random_seed": 0,
        "threads": 1,
        "mip_heuristic_run_feasibility_jump": not small,
        # HiGHS 1.16's presolve drops a product's "exactly one supplier" row once its
        # enumeration fixes all but one of the row's variables: an infeasible tie-break
        # solve then ended in a solve error instead of "infeasible" (ERGO-Code/HiGHS#3216)
        "presolve_rule_off": PRESOLVE_ENUMERATION,
    }.items():
        h.setOptionValue(option, value)
    return h
