"""What the views share to run a use case: the pool's schedule and solver as the app
holds them, a unit of work on the request's transaction, and each command's handler."""

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
def pooling_work() -> Iterator[SqlAlchemyUnitOfWork]:
    """A unit of work on the request's transaction (``shared.web.request_transaction``)."""
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox, schedule())


def handle(cmd: object, uow: SqlAlchemyUnitOfWork) -> Any:
    """``cmd`` handled in ``uow`` by its handler (``bootstrap.command_handlers``)."""
    return current_app.extensions["zirkel.handlers"][type(cmd)](cmd, uow)
