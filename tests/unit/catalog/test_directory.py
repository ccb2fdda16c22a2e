"""The office's changes to members and suppliers, decided on a fake unit of work: what
each publishes for the other services, and what a deactivation takes with it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.domain.model import NeedStatus, WebhookIncomplete
from catalog.service_layer import commands, directory, handlers
from shared.errors import NotFound
from shared.events import MemberRegistered, NeedCancelled, OfferUpdated, SupplierUpdated
from tests.unit.catalog.fakes import (
    FakeMember,
    FakeNeed,
    FakeOffer,
    FakeProduct,
    FakeSupplier,
    FakeTier,
    FakeUnitOfWork,
)

DISP = FakeProduct(1, "DISP-10L", "Dispersionsfarbe 10 l", "Eimer")


def test_a_registered_member_is_announced_with_all_the_catalog_keeps() -> None:
    uow = FakeUnitOfWork()
    cmd = commands.RegisterMember("Maler Kaya", "painter", "k@maler.example", "44137", "en")
    member = handlers.register_member(cmd, uow)
    (event,) = uow.published
    assert isinstance(event, MemberRegistered)
    assert (event.member_id, event.email, event.language, event.active) == (
        member.id,
        "k@maler.example",
        "en",
        True,
    )


def test_changing_a_member_nobody_knows_is_not_found_and_says_nothing() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound) as caught:
        directory.change_member(commands.ChangeMember(9, "X", "painter", "x@x.example", "1"), uow)
    assert caught.value.field == "member_id" and uow.published == []


def test_a_removed_member_has_its_open_needs_cancelled_and_the_rest_kept() -> None:
    uow = FakeUnitOfWork()
    uow.members.rows[1] = FakeMember(1)
    uow.needs.rows = {
        1: FakeNeed(1, 1, DISP, Decimal(3)),
        2: FakeNeed(2, 1, DISP, Decimal(4), status=NeedStatus.ORDERED, order_id=7),
        3: FakeNeed(3, 2, DISP, Decimal(5)),  # another member's
    }
    member = directory.remove_member(commands.RemoveMember(1), uow)
    assert member.active is False
    statuses = [uow.needs.rows[n].status for n in (1, 2, 3)]
    assert statuses == [NeedStatus.CANCEL_REQUESTED, NeedStatus.ORDERED, NeedStatus.OPEN]
    cancelled, registered = uow.published
    assert isinstance(cancelled, NeedCancelled) and cancelled.need_id == 1
    assert isinstance(registered, MemberRegistered) and registered.active is False


def test_a_reactivated_member_is_announced_active() -> None:
    uow = FakeUnitOfWork()
    uow.members.rows[1] = FakeMember(1, active=False)
    directory.reactivate_member(commands.ReactivateMember(1), uow)
    assert [e.active for e in uow.published] == [True]  # type: ignore[attr-defined]


def test_no_flexibility_is_kept_as_none() -> None:
    uow = FakeUnitOfWork()
    uow.members.rows[1] = FakeMember(1, flexible_percent=20)
    assert directory.set_flexibility(commands.SetFlexibility(1, 0), uow).flexible_percent is None
    with pytest.raises(NotFound):
        directory.set_flexibility(commands.SetFlexibility(2, 10), uow)


def supplier_with_offer(uow: FakeUnitOfWork, **terms: object) -> FakeSupplier:
    supplier = FakeSupplier(1, **terms)  # type: ignore[arg-type]
    uow.suppliers.rows[1] = supplier
    tiers = [FakeTier(Decimal(0), Decimal("42.00"))]
    uow.offers.rows.append(FakeOffer(1, 1, DISP, Decimal(1), tiers=tiers))
    return supplier


def test_a_removed_supplier_withdraws_its_offers_and_a_reactivated_one_brings_them_back() -> None:
    uow = FakeUnitOfWork()
    supplier_with_offer(uow)
    directory.remove_supplier(commands.RemoveSupplier(1), uow)
    terms, offer = uow.published
    assert isinstance(terms, SupplierUpdated) and terms.active is False
    assert isinstance(offer, OfferUpdated) and (offer.sku, offer.active) == ("DISP-10L", False)
    uow.published.clear()
    directory.reactivate_supplier(commands.ReactivateSupplier(1), uow)
    assert [e.active for e in uow.published] == [True, True]  # type: ignore[attr-defined]


def test_removing_a_supplier_nobody_knows_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        directory.remove_supplier(commands.RemoveSupplier(5), FakeUnitOfWork())
    assert caught.value.field == "supplier_id"


SECRET = "s" * 16


def test_a_supplier_sent_without_a_new_secret_keeps_its_webhook_secret() -> None:
    uow = FakeUnitOfWork()
    supplier_with_offer(
        uow, delivery_channel="webhook", webhook_url="https://a.example/o", webhook_secret=SECRET
    )
    url = "https://a.example/neu"
    cmd = commands.UpdateSupplier(1, "Neu", "n@a.example", Decimal(19), None, "webhook", url)
    supplier = handlers.update_supplier(cmd, uow)
    assert (supplier.webhook_url, supplier.webhook_secret) == (url, SECRET)
    (event,) = uow.published
    assert (event.name, event.webhook_secret) == ("Neu", SECRET)  # type: ignore[attr-defined]


def test_a_webhook_without_an_address_is_refused_and_nothing_changes() -> None:
    uow = FakeUnitOfWork()
    supplier = supplier_with_offer(uow)
    cmd = commands.UpdateSupplier(1, "Neu", "n@a.example", Decimal(19), None, "webhook")
    with pytest.raises(WebhookIncomplete) as caught:
        handlers.update_supplier(cmd, uow)
    assert caught.value.field == "webhook_url"
    assert (supplier.name, supplier.delivery_channel, uow.published) == ("Farben Nord", "email", [])


def test_a_registered_supplier_gets_its_terms_and_is_announced() -> None:
    uow = FakeUnitOfWork()
    cmd = commands.RegisterSupplier("Farben Nord", "a@nord.example", Decimal(25), Decimal(500))
    supplier = handlers.register_supplier(cmd, uow)
    assert uow.suppliers.get(supplier.id) is supplier
    (event,) = uow.published
    assert (event.supplier_id, event.free_shipping_from) == (supplier.id, 500)  # type: ignore[attr-defined]
