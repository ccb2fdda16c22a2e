"""Catalog's products and offers, on one session's transaction.

A price list sets up to 10,000 offers at once, so what it needs is done set by set: one
look-up of the known products (in chunks), one insert of the new ones, one upsert of the
offers and their tiers replaced in one go.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Offer, OfferTier, Product
from shared.db import insert_on_conflict

CHUNK = 5000  # rows per look-up or delete, below either database's parameter limit
PRODUCT_FACTS = (Product.id, Product.sku, Product.name, Product.unit, Product.vat_rate)


class SqlProducts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_sku(self, sku: str, *, lock: bool = False) -> Product | None:
        query = select(Product).where(Product.sku == sku)
        return self._session.scalar(query.with_for_update() if lock else query)

    def add(self, sku: str, name: str, unit: str, vat_rate: Decimal) -> Product:
        product = Product(sku=sku, name=name, unit=unit, vat_rate=vat_rate)
        self._session.add(product)
        self._session.flush()
        return product

    def of_skus(self, skus: Sequence[str]) -> dict[str, Row[Any]]:
        """The products of these SKUs (id, sku, name, unit and VAT rate) by SKU."""
        found: dict[str, Row[Any]] = {}
        for start in range(0, len(skus), CHUNK):
            query = select(*PRODUCT_FACTS).where(Product.sku.in_(skus[start : start + CHUNK]))
            found.update((product.sku, product) for product in self._session.execute(query))
        return found

    def add_many(self, products: Sequence[tuple[str, str, str, Decimal]]) -> dict[str, Row[Any]]:
        if not products:
            return {}
        added = self._session.execute(
            insert(Product).returning(*PRODUCT_FACTS),
            [
                {"sku": sku, "name": name, "unit": unit, "vat_rate": vat_rate}
                for sku, name, unit, vat_rate in products
            ],
        )
        return {product.sku: product for product in added}


class SqlOffers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of_product(self, product_id: int) -> list[Offer]:
        query = select(Offer).where(Offer.product_id == product_id).order_by(Offer.supplier_id)
        return list(self._session.scalars(query))

    def of_supplier(self, supplier_id: int) -> list[Offer]:
        query = (
            select(Offer)
            .options(selectinload(Offer.tiers), selectinload(Offer.product))
            .where(Offer.supplier_id == supplier_id)
            .order_by(Offer.id)
        )
        return list(self._session.scalars(query))

    def set(
        self,
        supplier_id: int,
        product: Product,
        pack_size: Decimal,
        tiers: Sequence[tuple[Decimal, Decimal]],
        valid_from: date | None,
    ) -> Offer:
        offer = self._session.scalar(
            select(Offer).where(Offer.supplier_id == supplier_id, Offer.product_id == product.id)
        )
        if offer is None:
            offer = Offer(supplier_id=supplier_id, product=product, pack_size=pack_size)
            self._session.add(offer)
        offer.pack_size = pack_size
        offer.valid_from = valid_from
        offer.updated_at = datetime.now(UTC)
        offer.tiers = [OfferTier(min_quantity=q, unit_price=p) for q, p in tiers]
        self._session.flush()
        return offer

    def set_many(
        self, supplier_id: int, offers: Sequence[tuple[int, Decimal, date | None]]
    ) -> dict[int, int]:
        """Create or replace the supplier's offers (one upsert); their ids by product id."""
        table = Offer.__table__
        upsert = insert_on_conflict(table, self._session.get_bind().dialect.name)
        upsert = upsert.on_conflict_do_update(
            index_elements=[table.c.supplier_id, table.c.product_id],
            set_={
                column: upsert.excluded[column]
                for column in ("pack_size", "valid_from", "updated_at")
            },
        ).returning(table.c.id, table.c.product_id)
        now = datetime.now(UTC)
        values = [
            {
                "supplier_id": supplier_id,
                "product_id": product_id,
                "pack_size": pack_size,
                "valid_from": valid_from,
                "updated_at": now,
            }
            for product_id, pack_size, valid_from in offers
        ]
        found = self._session.connection().execute(upsert, values)
        return {offer.product_id: offer.id for offer in found}

    def replace_tiers(
        self, offer_ids: Sequence[int], tiers: Sequence[tuple[int, Decimal, Decimal]]
    ) -> None:
        """The offers' tiers, in order (their ids keep that order)."""
        for start in range(0, len(offer_ids), CHUNK):
            chunk = offer_ids[start : start + CHUNK]
            self._session.execute(delete(OfferTier).where(OfferTier.offer_id.in_(chunk)))
        self._session.execute(
            insert(OfferTier),
            [
                {"offer_id": offer_id, "min_quantity": q, "unit_price": p}
                for offer_id, q, p in tiers
            ],
        )
