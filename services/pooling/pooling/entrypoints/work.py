"""How a view reaches the service layer: ``request_work()``, pooling's unit of work on the
request's transaction with the runtime's outbox, and ``handle(cmd, uow)``, the command's
handler as ``bootstrap.command_handlers`` bound it; and the pool's schedule and solver as
the app holds them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from pooling.adapters.calendar import CutoffSchedule
from pooling.domain.optimise import Solver
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


def schedule() -> CutoffSchedule:
    return current_app.extensions["zirkel.schedule"]


def solver() -> Solver:
    return current_app.extensions["zirkel.solver"]


@contextmanager
def request_work() -> Iterator[SqlAlchemyUnitOfWork]:
    """Pooling's unit of work on the request's transaction
    (``shared.web.request_transaction``, committed when the block ends)."""
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox, schedule())


def handle(cmd: object, uow: SqlAlchemyUnitOfWork) -> Any:
    """``cmd`` handled in ``uow`` by its handler (``bootstrap.command_handlers``)."""
    return current_app.extensions["zirkel.command_handlers"][type(cmd)](cmd, uow)
