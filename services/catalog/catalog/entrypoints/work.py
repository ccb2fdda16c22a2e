"""How a view reaches the service layer: ``request_work()``, catalog's unit of work on the
request's transaction (``shared.web.request_transaction``, committed when the block ends)
with the runtime's outbox, in which the view calls a handler: by name when it takes the
command and the unit of work alone, else by ``handle(cmd, uow)``, the handler as
``bootstrap.command_handlers`` bound it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


@contextmanager
def request_work() -> Iterator[SqlAlchemyUnitOfWork]:
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox)


def handle(cmd: object, uow: SqlAlchemyUnitOfWork) -> Any:
    """``cmd`` handled in ``uow`` by its handler (``bootstrap.command_handlers``)."""
    return current_app.extensions["zirkel.command_handlers"][type(cmd)](cmd, uow)
