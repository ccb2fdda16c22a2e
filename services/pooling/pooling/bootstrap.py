"""Pooling's dependencies, built once from Settings: the runtime (engine, tables, outbox),
the weekly cutoff schedule, the solver, the handlers of the commands with them bound,
and the one map from each event pooling consumes to its handler."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.highs import HighsSolver
from pooling.adapters.orm import TABLES
from pooling.domain.optimise import Solver
from pooling.service_layer import commands, decisions, reactions, receiving, site_receipts
from pooling.service_layer.handlers import close_pool, report_progress
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWork
from shared.consumer import Handler, Together
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings

CommandHandler = Callable[[Any, UnitOfWork], Any]


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("pooling", settings, TABLES)


def schedule(settings: Settings) -> CutoffSchedule:
    """When windows close: the weekly cutoff in the pool's time zone."""
    return CutoffSchedule.from_settings(settings)


def solver(settings: Settings) -> Solver:
    """The exact solver of the close (rule 5), within its time limit."""
    return HighsSolver(settings.solver_time_limit)


def command_handlers(schedule: CutoffSchedule, solve: Solver) -> dict[type, CommandHandler]:
    """Each command's handler, taking the command and a unit of work; the solver and the
    pool's day bound here."""
    today = schedule.today
    return {
        commands.ClosePool: partial(close_pool, solve=solve, today=today),
        commands.ReportProgress: report_progress,
        commands.ConfirmOrder: partial(decisions.confirm_order, solve=solve),
        commands.RejectOrder: partial(decisions.reject_order, solve=solve),
        commands.BookReceipt: partial(receiving.book_receipt, solve=solve, today=today),
        commands.CorrectReceipt: partial(receiving.correct_receipt, solve=solve, today=today),
        commands.BookSiteReceipt: partial(
            site_receipts.book_site_receipt, solve=solve, today=today
        ),
        commands.WriteOffStock: partial(receiving.write_off_stock, today=today),
    }


def handlers(settings: Settings, outbox: Outbox) -> dict[str, Handler]:
    """Each event pooling consumes, handled once in a unit of work on the message's
    session (the consumer commits it with the event's inbox row), writing to ``outbox``."""
    pool_schedule = schedule(settings)

    def in_unit_of_work(react: Callable[[Any, UnitOfWork], None]) -> Handler:
        def handler(session: Session, event: Any) -> None:
            react(event, SqlAlchemyUnitOfWork(session, outbox, pool_schedule))

        return handler

    return {
        "catalog.supplier.updated": in_unit_of_work(reactions.on_supplier_updated),
        "catalog.offer.updated": in_unit_of_work(reactions.on_offer_updated),
        "catalog.need.posted": Together(in_unit_of_work(reactions.on_needs_posted)),
        "catalog.need.cancelled": in_unit_of_work(reactions.on_need_cancelled),
        "catalog.need.changed": in_unit_of_work(reactions.on_need_changed),
    }
