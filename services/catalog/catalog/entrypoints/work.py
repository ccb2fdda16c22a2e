"""How a view reaches the service layer: ``request_work()``, catalog's unit of work on the
request's transaction (``shared.web.request_transaction``, committed when the block ends)
with the runtime's outbox, in which the view calls a handler. Catalog's handlers are
called by name: its bootstrap binds none of them to a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


@contextmanager
def request_work() -> Iterator[SqlAlchemyUnitOfWork]:
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox)
