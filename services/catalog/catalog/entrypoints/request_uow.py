"""The request's unit of work: catalog's repositories over the request's transaction
(``shared.web.request_transaction``, committed when the block ends), and the runtime's outbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime, request_transaction


@contextmanager
def request_unit_of_work() -> Iterator[SqlAlchemyUnitOfWork]:
    with request_transaction() as session:
        yield SqlAlchemyUnitOfWork(session, current_runtime().outbox)
