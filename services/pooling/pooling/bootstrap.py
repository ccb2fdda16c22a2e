"""Pooling's dependencies, built once from Settings: the runtime (engine, tables, outbox),
the weekly cutoff schedule, the solver, and the one map from each event pooling consumes
to its handler."""

from __future__ import annotations

from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.highs import HighsSolver
from pooling.adapters.orm import TABLES
from pooling.domain.optimise import Solver
from pooling.service_layer import reactions
from shared.consumer import Handler
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("pooling", settings, TABLES)


def schedule(settings: Settings) -> CutoffSchedule:
    """When windows close: the weekly cutoff in the pool's time zone."""
    return CutoffSchedule.from_settings(settings)


def solver(settings: Settings) -> Solver:
    """The exact solver of the close (rule 5), within its time limit."""
    return HighsSolver(settings.solver_time_limit)


def handlers(settings: Settings, outbox: Outbox) -> dict[str, Handler]:
    """Each event pooling consumes, handled once, writing to ``outbox``."""
    return reactions.handlers(schedule(settings), outbox)
