"""A supplier order as two CSV files for the supplier, written as German Excel opens
them (UTF-8 with a BOM, semicolons, decimal commas; ``shared.csv_files``):

- the order (``bestellung-<id>.csv``): one row per line (what is ordered, at what
  price and rate), each followed by the addresses it goes to with their whole packs
  (rule 11: the depot's address for all that is no site's whole packs), then the
  totals: ``goods``, ``shipping_fee`` (at 19 %), ``total`` (net), per rate ``taxable``
  and ``vat`` (the rate in ``vat_rate``), and ``gross_total`` (rule 12);
- the allocations (``aufteilung-<id>.csv``): one row per need the order serves, with
  its member, quantity, delivery site and the day it is needed by ("benötigt bis",
  ``DD.MM.YYYY``; empty when the member gave none), for a supplier that packs per member.
"""

from __future__ import annotations

from decimal import Decimal

from pooling.adapters.documents import OrderDocument, money, plain, price
from pooling.domain.model import HEAD_OFFICE
from pooling.domain.vat import STANDARD_RATE
from shared.csv_files import GERMAN_EXCEL, Cell, csv_text

ORDER_COLUMNS = (
    "sku",
    "product",
    "unit",
    "packs",
    "ordered_quantity",
    "unit_price",
    "line_total",
    "vat_rate",
    "delivery_address",
)
ALLOCATION_COLUMNS = (
    "sku",
    "product",
    "need_id",
    "member_id",
    "quantity",
    "unit",
    "delivery_site",
    "needed_by",
)


def order_csv(document: OrderDocument) -> str:
    """The order's lines, each with its addresses, then the totals (see the module)."""
    rows: list[list[Cell]] = []
    distribution = document.distribution
    for line in document.lines:
        name, unit = document.products.get(line.sku, ("", ""))
        rows.append(
            [
                line.sku,
                name,
                unit,
                line.packs,
                plain(line.ordered_quantity),
                price(line.unit_price),
                money(line.line_total),
                plain(document.vat_rate(line.sku)),
                None,
            ]
        )
        for drop in distribution.drops_of(line.sku):
            rows.append(
                [line.sku, None, None, drop.packs, plain(drop.quantity), *[None] * 3, drop.address]
            )
    rows += [
        [label, *[None] * 5, money(amount), rate, None] for label, amount, rate in _totals(document)
    ]
    return csv_text(ORDER_COLUMNS, rows, GERMAN_EXCEL)


def allocations_csv(document: OrderDocument) -> str:
    """One row per need the order serves (see the module)."""
    rows: list[list[Cell]] = []
    for line in document.lines:
        name, unit = document.products.get(line.sku, ("", ""))
        for a in line.allocations:
            site = a.delivery_site or HEAD_OFFICE
            quantity = plain(a.quantity)
            rows.append([line.sku, name, a.need_id, a.member_id, quantity, unit, site, a.needed_by])
    return csv_text(ALLOCATION_COLUMNS, rows, GERMAN_EXCEL)


def _totals(document: OrderDocument) -> list[tuple[str, Decimal, Decimal | None]]:
    totals: list[tuple[str, Decimal, Decimal | None]] = [
        ("goods", document.goods_total, None),
        ("shipping_fee", document.order.shipping_fee, plain(STANDARD_RATE)),
        ("total", document.total, None),
    ]
    for entry in document.vat:
        rate = plain(entry.rate)
        totals += [("taxable", entry.taxable, rate), ("vat", entry.vat, rate)]
    totals.append(("gross_total", document.gross_total, None))
    return totals
