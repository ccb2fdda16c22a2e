"""Changing and removing members and suppliers reaches pooling and notify by catalog's events."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from catalog.service_layer import commands, directory, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from notify.adapters.orm import MemberEntry
from notify.bootstrap import handlers as notify_handlers
from pooling.bootstrap import handlers as pooling_handlers
from shared import events
from shared.db import transaction
from tests.api.conftest import Created, Headers, Service
from tests.api.test_pooling_api import current_pool


def relay(catalog: Service, consumer: Service, handlers: dict, seen: set[str]) -> None:
    """Hand every catalog event not handed over yet to ``consumer``, as its worker would."""
    for body in catalog.outbox():
        if body["event_id"] in seen or body["event_type"] not in handlers:
            continue
        seen.add(body["event_id"])
        consumer.deliver(handlers, events.load(body))


def test_a_deactivated_supplier_leaves_the_pool_and_comes_back(
    catalog: Service,
    pooling: Service,
    make_member: Callable[..., Created],
    make_supplier: Callable[..., Created],
    make_product: Callable[..., dict],
    make_offer: Callable[..., dict],
) -> None:
    react, seen = pooling_handlers(pooling.runtime.settings, pooling.runtime.outbox), set()
    member, supplier = make_member(), make_supplier()
    make_product()
    make_offer(supplier.id, "DISP-10L")
    assert (
        catalog.client.post(
            "/api/v1/needs", json={"sku": "DISP-10L", "quantity": "4"}, headers=member.headers
        ).status_code
        == 201
    )
    relay(catalog, pooling, react, seen)
    [product] = current_pool(pooling)["products"]
    assert [o["supplier_id"] for o in product["offers"]] == [supplier.id]

    with transaction(catalog.runtime.sessions) as db:
        assert (
            directory.remove_supplier(
                commands.RemoveSupplier(supplier.id),
                SqlAlchemyUnitOfWork(db, catalog.runtime.outbox),
            ).active
            is False
        )
    relay(catalog, pooling, react, seen)
    [product] = current_pool(pooling)["products"]
    assert product["offers"] == []

    with transaction(catalog.runtime.sessions) as db:
        directory.reactivate_supplier(
            commands.ReactivateSupplier(supplier.id),
            SqlAlchemyUnitOfWork(db, catalog.runtime.outbox),
        )
    relay(catalog, pooling, react, seen)
    [product] = current_pool(pooling)["products"]
    assert [o["supplier_id"] for o in product["offers"]] == [supplier.id]


def test_a_changed_supplier_fee_reaches_pooling(
    catalog: Service, pooling: Service, make_supplier: Callable[..., Created]
) -> None:
    from pooling.adapters.orm import SupplierTerms

    react, seen = pooling_handlers(pooling.runtime.settings, pooling.runtime.outbox), set()
    supplier = make_supplier()
    change = commands.UpdateSupplier(supplier.id, "Neuer Name", "n@x.example", Decimal(19), None)
    with transaction(catalog.runtime.sessions) as db:
        handlers.update_supplier(change, SqlAlchemyUnitOfWork(db, catalog.runtime.outbox))
    relay(catalog, pooling, react, seen)
    with transaction(pooling.runtime.sessions) as db:
        terms = db.get(SupplierTerms, supplier.id)
        assert (terms.name, terms.shipping_fee, terms.free_shipping_from) == (
            "Neuer Name",
            19,
            None,
        )


def test_a_changed_member_reaches_notify(
    catalog: Service, notify: Service, make_member: Callable[..., Created], admin: Headers
) -> None:
    react, seen = notify_handlers(notify.runtime.settings, notify.runtime.outbox), set()
    member = make_member()
    change = commands.ChangeMember(member.id, "Neu", "tiler", "neu@x.example", "44139", "en")
    with transaction(catalog.runtime.sessions) as db:
        directory.change_member(change, SqlAlchemyUnitOfWork(db, catalog.runtime.outbox))
    relay(catalog, notify, react, seen)
    with transaction(notify.runtime.sessions) as db:
        [entry] = db.scalars(select(MemberEntry)).all()
        assert (entry.email, entry.language, entry.trade) == ("neu@x.example", "en", "tiler")
