"""Products and offers decided on a fake unit of work: who may offer, what a product's
change may change, and what pooling and billing hear of it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.service_layer import commands, handlers
from shared.errors import Conflict, NotFound
from shared.events import OfferUpdated, ProductUpdated
from tests.unit.catalog.fakes import FakeProduct, FakeSupplier, FakeUnitOfWork

TIERS = ((Decimal(0), Decimal("42.00")), (Decimal(10), Decimal("38.00")))


def catalog() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.products.rows["DISP-10L"] = FakeProduct(1, "DISP-10L", "Dispersionsfarbe", "Eimer")
    uow.suppliers.rows = {1: FakeSupplier(1), 2: FakeSupplier(2, active=False)}
    return uow


def test_a_product_is_added_once_per_sku() -> None:
    uow = catalog()
    product = handlers.add_product(commands.AddProduct("SIL-300", "Silikon", "Kartusche"), uow)
    assert product.vat_rate == 19
    (event,) = uow.published
    assert isinstance(event, ProductUpdated) and event.sku == "SIL-300"
    with pytest.raises(Conflict) as caught:
        handlers.add_product(commands.AddProduct("SIL-300", "Anders", "Stück"), uow)
    assert caught.value.field == "sku" and len(uow.published) == 1


def test_an_offer_is_set_and_announced_with_its_tiers() -> None:
    uow = catalog()
    offer = handlers.set_offer(commands.SetOffer(1, "DISP-10L", Decimal(1), TIERS), uow)
    assert [(t.min_quantity, t.unit_price) for t in offer.tiers] == list(TIERS)
    (event,) = uow.published
    assert isinstance(event, OfferUpdated)
    assert event.tiers == [{"min_quantity": q, "unit_price": p} for q, p in TIERS]
    handlers.set_offer(commands.SetOffer(1, "DISP-10L", Decimal(2), TIERS[:1]), uow)
    assert len(uow.offers.rows) == 1 and uow.offers.rows[0].pack_size == 2  # replaced


@pytest.mark.parametrize(
    ("supplier_id", "sku", "refusal", "field_name"),
    [
        (9, "DISP-10L", NotFound, "supplier_id"),
        (2, "DISP-10L", Conflict, "supplier_id"),
        (1, "NOPE-1", NotFound, "sku"),
    ],
)
def test_an_offer_nobody_may_make_is_refused(
    supplier_id: int, sku: str, refusal: type[Exception], field_name: str
) -> None:
    uow = catalog()
    with pytest.raises(refusal) as caught:
        handlers.set_offer(commands.SetOffer(supplier_id, sku, Decimal(1), TIERS), uow)
    assert caught.value.field == field_name  # type: ignore[attr-defined]
    assert uow.offers.rows == [] and uow.published == []


def test_a_product_with_offers_keeps_its_unit() -> None:
    uow = catalog()
    handlers.set_offer(commands.SetOffer(1, "DISP-10L", Decimal(1), TIERS), uow)
    uow.published.clear()
    with pytest.raises(Conflict) as caught:
        handlers.change_product(commands.ChangeProduct("DISP-10L", "Farbe", "Liter"), uow)
    assert caught.value.field == "unit"
    assert uow.products.rows["DISP-10L"].unit == "Eimer" and uow.published == []


def test_a_changed_product_announces_its_offers_again_with_their_suppliers_standing() -> None:
    uow = catalog()
    handlers.set_offer(commands.SetOffer(1, "DISP-10L", Decimal(1), TIERS), uow)
    uow.suppliers.rows[2].active = True
    handlers.set_offer(commands.SetOffer(2, "DISP-10L", Decimal(1), TIERS), uow)
    uow.suppliers.rows[2].active = False
    uow.published.clear()
    cmd = commands.ChangeProduct("DISP-10L", "Dispersionsfarbe weiß", "Eimer", Decimal(7))
    handlers.change_product(cmd, uow)
    product, *offers = uow.published
    assert isinstance(product, ProductUpdated) and product.vat_rate == 7
    assert [(o.supplier_id, o.product_name, o.active) for o in offers] == [  # type: ignore[attr-defined]
        (1, "Dispersionsfarbe weiß", True),
        (2, "Dispersionsfarbe weiß", False),
    ]
    assert uow.products.locked == ["DISP-10L"]


def test_a_product_changed_to_what_it_is_says_nothing() -> None:
    uow = catalog()
    handlers.change_product(commands.ChangeProduct("DISP-10L", "Dispersionsfarbe", "Eimer"), uow)
    assert uow.published == []
    with pytest.raises(NotFound):
        handlers.change_product(commands.ChangeProduct("NOPE-1", "x", "y"), uow)
