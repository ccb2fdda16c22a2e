"""A supplier's offers as the price-list CSV it uploads (``entrypoints/price_lists.py``):
one row per offer, the product's name, unit and VAT rate as the catalog has them, so a
downloaded list, changed and uploaded again, sets the same offers. Written as German
Excel opens it (UTF-8 with a BOM, semicolons, decimal commas, dates ``01.03.2027``),
which the upload reads back; the template is such a file with two example rows. A read
side, like ``views.py``: it runs on the request's session and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Offer, Product
from shared.csv_files import GERMAN_EXCEL, Cell, csv_text

COLUMNS = ("sku", "name", "unit", "pack_size", "tiers", "valid_from", "vat_rate")
TEMPLATE_ROWS: tuple[tuple[Cell, ...], ...] = (
    # sold by the piece, cheaper from 10 and from 25, valid now, at the standard rate
    ("DISP-10L", "Dispersionsfarbe weiß 10 l", "Eimer", 1, "0:42,00|10:38,00|25:34,50", None, 19),
    # sold in packs of 24, valid from a given day on, at the catalog's rate (19 if new)
    ("FUG-5", "Fugenmörtel grau 5 kg", "Sack", 24, "0:4,20|96:3,90", date(2027, 3, 1), None),
)


def price_list_csv(session: Session, supplier_id: int) -> str:
    """The supplier's offers by SKU."""
    query = (
        select(Offer)
        .join(Offer.product)
        .options(selectinload(Offer.tiers), selectinload(Offer.product))
        .where(Offer.supplier_id == supplier_id)
        .order_by(Product.sku)
    )
    return csv_text(COLUMNS, (_row(offer) for offer in session.scalars(query)), GERMAN_EXCEL)


def price_list_template() -> str:
    """The columns and two example rows, to fill in."""
    return csv_text(COLUMNS, TEMPLATE_ROWS, GERMAN_EXCEL)


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
    """``0:42,00|10:38,00``: as the upload reads them, with German decimal commas."""
    pairs = (f"{plain(start)}:{format(price, 'f')}" for start, price in tiers)
    return "|".join(pair.replace(".", ",") for pair in pairs)


def plain(number: Decimal) -> Decimal:
    """``14``, ``1.44``: without trailing zeros, never in exponent form."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal
