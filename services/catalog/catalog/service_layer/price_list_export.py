"""A supplier's offers as the price-list CSV it uploads (``entrypoints/price_lists.py``):
one row per offer, the product's name, unit and VAT rate as the catalog has them, so a
downloaded list, changed and uploaded again, sets the same offers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Offer, Product
from shared.csv_files import Cell, csv_text

COLUMNS = ("sku", "name", "unit", "pack_size", "tiers", "valid_from", "vat_rate")


def price_list_csv(session: Session, supplier_id: int) -> str:
    """The supplier's offers by SKU, semicolon-separated."""
    query = (
        select(Offer)
        .join(Offer.product)
        .options(selectinload(Offer.tiers), selectinload(Offer.product))
        .where(Offer.supplier_id == supplier_id)
        .order_by(Product.sku)
    )
    return csv_text(COLUMNS, (_row(offer) for offer in session.scalars(query)))


def _row(offer: Offer) -> list[Cell]:
    product = offer.product
    return [
        product.sku,
        product.name,
        product.unit,
        plain(offer.pack_size),
        tiers_text((tier.min_quantity, tier.unit_price) for tier in offer.tiers),
        offer.valid_from,
        plain(product.vat_rate),
    ]


def tiers_text(tiers: Iterable[tuple[Decimal, Decimal]]) -> str:
    """``0:42.00|10:38.00``: as the upload reads them."""
    return "|".join(f"{plain(start)}:{format(price, 'f')}" for start, price in tiers)


def plain(number: Decimal) -> Decimal:
    """``14``, ``1.44``: without trailing zeros, never in exponent form."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal
