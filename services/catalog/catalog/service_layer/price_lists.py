"""A supplier's price list: many offers set at once, all or nothing, in one transaction.

The rows come validated field by field (entrypoints/price_lists.py reads the CSV);
here the rows are checked against the catalog (the supplier exists, a product's
unit is the one the list prices), missing products are added and every offer is
set through the catalog's own handlers, so each writes its ``catalog.offer.updated``
event to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Product, Supplier
from catalog.service_layer import commands, handlers
from shared.outbox import Outbox


@dataclass(frozen=True)
class RowProblem:
    """What is wrong where: ``row`` counts lines as a spreadsheet does (the header is 1)."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


class PriceListRefused(Exception):
    """The price list was refused as a whole; nothing of it was stored."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:3]))
        self.problems = problems


@dataclass(frozen=True)
class PriceListRow:
    row: int
    sku: str
    name: str
    unit: str
    pack_size: Decimal
    tiers: tuple[tuple[Decimal, Decimal], ...]
    valid_from: date | None = None


@dataclass(frozen=True)
class UploadPriceList:
    supplier_id: int
    rows: tuple[PriceListRow, ...]


@dataclass
class PriceListSummary:
    supplier_id: int
    rows: int = 0
    offers_set: int = 0
    products_created: list[str] = field(default_factory=list)
    valid_from: list[date] = field(default_factory=list)


def upload_price_list(session: Session, outbox: Outbox, cmd: UploadPriceList) -> PriceListSummary:
    """Set every row's offer, adding products the catalog lacks; refuse the whole list on
    any problem (the caller's transaction then rolls back)."""
    if session.get(Supplier, cmd.supplier_id) is None:
        message = f"There is no supplier {cmd.supplier_id}."
        raise PriceListRefused([RowProblem(None, "supplier_id", message)])
    known = _products(session, [row.sku for row in cmd.rows])
    problems = [
        RowProblem(
            row.row,
            "unit",
            f"Product {row.sku} is sold by the unit {known[row.sku].unit!r}, "
            f"not {row.unit!r}; the catalog's unit stays, so prices must be per "
            f"{known[row.sku].unit!r}.",
        )
        for row in cmd.rows
        if row.sku in known and known[row.sku].unit != row.unit
    ]
    if problems:
        raise PriceListRefused(problems)
    summary = PriceListSummary(cmd.supplier_id, rows=len(cmd.rows))
    for row in cmd.rows:
        if row.sku not in known:
            handlers.add_product(session, commands.AddProduct(row.sku, row.name, row.unit))
            summary.products_created.append(row.sku)
        offer = commands.SetOffer(
            cmd.supplier_id, row.sku, row.pack_size, row.tiers, row.valid_from
        )
        handlers.set_offer(session, outbox, offer)
        summary.offers_set += 1
    summary.valid_from = sorted({row.valid_from for row in cmd.rows if row.valid_from})
    return summary


def _products(session: Session, skus: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for start in range(0, len(skus), 500):  # stay below the database's parameter limits
        query = select(Product).where(Product.sku.in_(skus[start : start + 500]))
        found.update((product.sku, product) for product in session.scalars(query))
    return found
