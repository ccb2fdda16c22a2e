"""How a view reaches the service layer: ``request_work()``, billing's unit of work on the
request's transaction (``shared.web.request_transaction``, committed when the block ends)
with the runtime's outbox, in which the view calls a handler. Billing's bootstrap binds
handlers to the events it consumes; its views call theirs by name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


@contextmanager
def request_work() -> Iterator[SqlAlchemyUnitOfWork]:
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox)
