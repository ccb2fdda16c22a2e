"""How a view reaches the service layer: ``request_work()``, notify's unit of work on the
request's transaction (``shared.web.request_transaction``, committed when the block ends)
with the runtime's outbox, and ``handle(cmd, uow)``, the command's handler as
``bootstrap.command_handlers`` bound it to what it needs besides the unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from notify.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


@contextmanager
def request_work() -> Iterator[SqlAlchemyUnitOfWork]:
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox)


def handle(cmd: Any, uow: SqlAlchemyUnitOfWork) -> Any:
    """What the command's handler answers in ``uow`` (a delivery, the preferences...)."""
    return current_app.extensions["zirkel.command_handlers"][type(cmd)](cmd, uow)
