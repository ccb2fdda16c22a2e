"""Every service's unit of work publishes into the outbox of its own transaction: an event
leaves only with the change that caused it, and whoever opened the session decides."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import MetaData, create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork as BillingUnitOfWork
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork as CatalogUnitOfWork
from notify.service_layer.unit_of_work import SqlAlchemyUnitOfWork as NotifyUnitOfWork
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork as PoolingUnitOfWork
from shared.db import transaction
from shared.events import ProductUpdated
from shared.outbox import Outbox, outbox_table
from shared.unit_of_work import SessionUnitOfWork

TABLE = outbox_table(MetaData())


@pytest.fixture
def sessions() -> Iterator[sessionmaker[Session]]:
    engine = create_engine("sqlite://")
    TABLE.create(engine)
    yield sessionmaker(engine)
    engine.dispose()


def product(sku: str) -> ProductUpdated:
    return ProductUpdated(sku=sku, name="Dispersionsfarbe 10 l", unit="Eimer", vat_rate=Decimal(19))


def sent(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(TABLE.c.body).order_by(TABLE.c.id)))


def test_the_events_are_kept_with_the_transaction_that_commits(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        uow = SessionUnitOfWork(session, Outbox(TABLE))
        uow.publish(product("DISP-10L"))
        uow.publish_all([product("SIL-300"), product("VLIES-1")])
    bodies = sent(sessions)
    skus = ("DISP-10L", "SIL-300", "VLIES-1")
    assert len(bodies) == len(skus)
    assert all(sku in body for body, sku in zip(bodies, skus, strict=True))


def test_no_event_leaves_a_transaction_rolled_back(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        SessionUnitOfWork(session, Outbox(TABLE)).publish(product("DISP-10L"))
        raise RuntimeError("the handler refused")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TABLE)) == 0


@pytest.mark.parametrize(
    "unit_of_work", [CatalogUnitOfWork, PoolingUnitOfWork, NotifyUnitOfWork, BillingUnitOfWork]
)
def test_every_service_publishes_the_one_way(unit_of_work: type) -> None:
    assert issubclass(unit_of_work, SessionUnitOfWork)
    assert "publish" not in vars(unit_of_work) and "publish_all" not in vars(unit_of_work)
