"""A supplier's price list: many offers set at once, all or nothing, in one transaction.

The rows come validated field by field (entrypoints/price_lists.py reads the CSV);
here the rows are checked against the catalog (the supplier exists, a product's
unit is the one the list prices), missing products are added and every offer is
set, each with its ``catalog.offer.updated`` event in the outbox, the same as
``PUT /offers`` writes. A list has up to 10,000 rows, so all of this is done set by
set: one look-up of the known products, one insert of the new ones, one upsert of
the offers, their tiers replaced in one go and the events written in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from catalog.service_layer.commands import STANDARD_RATE
from catalog.service_layer.handlers import offer_event, product_updated
from catalog.service_layer.records import ProductRecord
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.errors import Conflict


@dataclass(frozen=True)
class RowProblem:
    """What is wrong where: ``row`` counts lines as a spreadsheet does (the header is 1).

    ``message`` may name ``values`` (``"More than %(rows)s rows."``), so that a page
    translates it before they are filled in."""

    row: int | None
    column: str | None
    message: str
    values: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        """The message with its values, in English (as the API answers)."""
        return self.message % self.values if self.values else self.message

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.text}


class PriceListRefused(Exception):
    """The price list was refused as a whole; nothing of it was stored."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(p.text for p in problems[:3]))
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
    vat_rate: Decimal | None = None  # None: the catalog's rate, 19 for a new product


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


def upload_price_list(cmd: UploadPriceList, uow: UnitOfWork) -> PriceListSummary:
    """Set every row's offer, adding products the catalog lacks; refuse the whole list on
    any problem (the caller's transaction then rolls back)."""
    supplier = uow.suppliers.get(cmd.supplier_id)
    if supplier is None:
        message = "There is no supplier %(id)s."
        raise PriceListRefused([RowProblem(None, "supplier_id", message, {"id": cmd.supplier_id})])
    if not supplier.active:
        raise Conflict("supplier_id", f"Supplier {cmd.supplier_id} is deactivated.")
    known = uow.products.of_skus([row.sku for row in cmd.rows])
    if problems := _unit_problems(cmd.rows, known) + _rate_problems(cmd.rows, known):
        raise PriceListRefused(problems)
    new = [row for row in cmd.rows if row.sku not in known]
    added = uow.products.add_many(
        [
            (row.sku, row.name, row.unit, STANDARD_RATE if row.vat_rate is None else row.vat_rate)
            for row in new
        ]
    )
    known |= added
    _set_offers(cmd, known, uow)
    uow.publish_all([product_updated(product) for product in added.values()])
    uow.publish_all(
        [
            offer_event(cmd.supplier_id, known[row.sku], row.pack_size, row.tiers, row.valid_from)
            for row in cmd.rows
        ]
    )
    return PriceListSummary(
        cmd.supplier_id,
        rows=len(cmd.rows),
        offers_set=len(cmd.rows),
        products_created=[row.sku for row in new],
        valid_from=sorted({row.valid_from for row in cmd.rows if row.valid_from}),
    )


def _set_offers(cmd: UploadPriceList, known: dict[str, ProductRecord], uow: UnitOfWork) -> None:
    """Every row's offer created or replaced (one upsert), its tiers as the row lists them."""
    offers = uow.offers.set_many(
        cmd.supplier_id, [(known[row.sku].id, row.pack_size, row.valid_from) for row in cmd.rows]
    )
    uow.offers.replace_tiers(
        list(offers.values()),
        [(offers[known[row.sku].id], q, p) for row in cmd.rows for q, p in row.tiers],
    )


def _unit_problems(
    rows: tuple[PriceListRow, ...], known: dict[str, ProductRecord]
) -> list[RowProblem]:
    """Rows pricing a known product by another unit than the catalog's."""
    return [
        RowProblem(
            row.row,
            "unit",
            "Product %(sku)s is sold by the unit %(unit)s, not %(given)s; the catalog's "
            "unit stays, so prices must be per %(unit)s.",
            {"sku": row.sku, "unit": repr(known[row.sku].unit), "given": repr(row.unit)},
        )
        for row in rows
        if row.sku in known and known[row.sku].unit != row.unit
    ]


def _rate_problems(
    rows: tuple[PriceListRow, ...], known: dict[str, ProductRecord]
) -> list[RowProblem]:
    """Rows giving a known product another VAT rate than the catalog's (the office sets it)."""
    return [
        RowProblem(
            row.row,
            "vat_rate",
            "Product %(sku)s carries VAT at %(rate)s %%, not %(given)s %%; the office "
            "changes a product's rate.",
            {"sku": row.sku, "rate": _percent(known[row.sku].vat_rate), "given": _percent(rate)},
        )
        for row in rows
        if row.sku in known
        and (rate := row.vat_rate) is not None
        and known[row.sku].vat_rate != rate
    ]


def _percent(rate: Decimal) -> str:
    return format(rate.normalize(), "f")
