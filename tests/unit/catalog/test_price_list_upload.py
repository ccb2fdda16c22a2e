"""A price list set on a fake unit of work: all or nothing, new products added, every
offer announced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.service_layer.price_lists import (
    PriceListRefused,
    PriceListRow,
    UploadPriceList,
    upload_price_list,
)
from shared.errors import Conflict
from shared.events import OfferUpdated, ProductUpdated
from tests.unit.catalog.fakes import FakeProduct, FakeSupplier, FakeUnitOfWork

TIERS = ((Decimal(0), Decimal("42.00")), (Decimal(10), Decimal("38.00")))


def catalog() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.products.rows["DISP-10L"] = FakeProduct(1, "DISP-10L", "Dispersionsfarbe", "Eimer")
    uow.suppliers.rows = {1: FakeSupplier(1), 2: FakeSupplier(2, active=False)}
    return uow


def row(number: int, sku: str, unit: str = "Eimer", rate: Decimal | None = None) -> PriceListRow:
    return PriceListRow(number, sku, f"Name {sku}", unit, Decimal(1), TIERS, vat_rate=rate)


def test_a_list_adds_the_products_the_catalog_lacks_and_sets_every_offer() -> None:
    uow = catalog()
    cmd = UploadPriceList(1, (row(2, "DISP-10L"), row(3, "SIL-300", "Kartusche")))
    summary = upload_price_list(cmd, uow)
    assert (summary.rows, summary.offers_set, summary.products_created) == (2, 2, ["SIL-300"])
    assert uow.products.rows["SIL-300"].vat_rate == 19
    assert [len(offer.tiers) for offer in uow.offers.rows] == [2, 2]
    product, *offers = uow.published
    assert isinstance(product, ProductUpdated) and product.sku == "SIL-300"
    assert [(o.sku, o.unit) for o in offers if isinstance(o, OfferUpdated)] == [
        ("DISP-10L", "Eimer"),
        ("SIL-300", "Kartusche"),
    ]


def test_one_row_against_the_catalog_refuses_the_whole_list() -> None:
    uow = catalog()
    rows = (
        row(2, "SIL-300", "Kartusche"),
        row(3, "DISP-10L", "Liter"),
        row(4, "DISP-10L", rate=Decimal(7)),
    )
    with pytest.raises(PriceListRefused) as caught:
        upload_price_list(UploadPriceList(1, rows), uow)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "unit"), (4, "vat_rate")]
    assert list(uow.products.rows) == ["DISP-10L"] and uow.offers.rows == []
    assert uow.published == []


def test_only_an_active_supplier_that_exists_uploads() -> None:
    uow = catalog()
    with pytest.raises(PriceListRefused) as unknown:
        upload_price_list(UploadPriceList(9, (row(2, "DISP-10L"),)), uow)
    assert unknown.value.problems[0].column == "supplier_id"
    with pytest.raises(Conflict):
        upload_price_list(UploadPriceList(2, (row(2, "DISP-10L"),)), uow)
    assert uow.offers.rows == [] and uow.published == []
