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
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Offer, OfferTier, Product, Supplier
from catalog.service_layer.commands import STANDARD_RATE
from catalog.service_layer.handlers import offer_event, product_updated
from shared.db import insert_on_conflict
from shared.errors import Conflict
from shared.outbox import Outbox

CHUNK = 5000  # rows per look-up or delete, below either database's parameter limit


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


def upload_price_list(session: Session, outbox: Outbox, cmd: UploadPriceList) -> PriceListSummary:
    """Set every row's offer, adding products the catalog lacks; refuse the whole list on
    any problem (the caller's transaction then rolls back)."""
    supplier = session.get(Supplier, cmd.supplier_id)
    if supplier is None:
        message = "There is no supplier %(id)s."
        raise PriceListRefused([RowProblem(None, "supplier_id", message, {"id": cmd.supplier_id})])
    if not supplier.active:
        raise Conflict("supplier_id", f"Supplier {cmd.supplier_id} is deactivated.")
    known = _products(session, [row.sku for row in cmd.rows])
    if problems := _unit_problems(cmd.rows, known) + _rate_problems(cmd.rows, known):
        raise PriceListRefused(problems)
    new = [row for row in cmd.rows if row.sku not in known]
    added = _add_products(session, new)
    known |= added
    offers = _set_offers(session, cmd.supplier_id, cmd.rows, known)
    _replace_tiers(session, cmd.rows, known, offers)
    outbox.add_all(session, [product_updated(product) for product in added.values()])
    outbox.add_all(
        session,
        [
            offer_event(cmd.supplier_id, known[row.sku], row.pack_size, row.tiers, row.valid_from)
            for row in cmd.rows
        ],
    )
    return PriceListSummary(
        cmd.supplier_id,
        rows=len(cmd.rows),
        offers_set=len(cmd.rows),
        products_created=[row.sku for row in new],
        valid_from=sorted({row.valid_from for row in cmd.rows if row.valid_from}),
    )


def _unit_problems(rows: tuple[PriceListRow, ...], known: dict[str, Row[Any]]) -> list[RowProblem]:
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


def _rate_problems(rows: tuple[PriceListRow, ...], known: dict[str, Row[Any]]) -> list[RowProblem]:
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


PRODUCT_FACTS = (Product.id, Product.sku, Product.name, Product.unit, Product.vat_rate)


def _products(session: Session, skus: list[str]) -> dict[str, Row[Any]]:
    """The catalog's products of these SKUs: id, sku, name, unit and VAT rate by SKU."""
    found: dict[str, Row[Any]] = {}
    for start in range(0, len(skus), CHUNK):
        query = select(*PRODUCT_FACTS).where(Product.sku.in_(skus[start : start + CHUNK]))
        found.update((product.sku, product) for product in session.execute(query))
    return found


def _add_products(session: Session, rows: list[PriceListRow]) -> dict[str, Row[Any]]:
    if not rows:
        return {}
    added = session.execute(
        insert(Product).returning(*PRODUCT_FACTS),
        [
            {
                "sku": row.sku,
                "name": row.name,
                "unit": row.unit,
                "vat_rate": STANDARD_RATE if row.vat_rate is None else row.vat_rate,
            }
            for row in rows
        ],
    )
    return {product.sku: product for product in added}


def _set_offers(
    session: Session, supplier_id: int, rows: tuple[PriceListRow, ...], known: dict[str, Row[Any]]
) -> dict[int, int]:
    """Create or replace the supplier's offer of each row's product (one upsert); the
    offers' ids by product id."""
    table = Offer.__table__
    upsert = insert_on_conflict(table, session.get_bind().dialect.name)
    upsert = upsert.on_conflict_do_update(
        index_elements=[table.c.supplier_id, table.c.product_id],
        set_={
            column: upsert.excluded[column] for column in ("pack_size", "valid_from", "updated_at")
        },
    ).returning(table.c.id, table.c.product_id)
    now = datetime.now(UTC)
    values = [
        {
            "supplier_id": supplier_id,
            "product_id": known[row.sku].id,
            "pack_size": row.pack_size,
            "valid_from": row.valid_from,
            "updated_at": now,
        }
        for row in rows
    ]
    return {offer.product_id: offer.id for offer in session.connection().execute(upsert, values)}


def _replace_tiers(
    session: Session,
    rows: tuple[PriceListRow, ...],
    known: dict[str, Row[Any]],
    offers: dict[int, int],
) -> None:
    """Each offer's tiers as its row lists them, in order (their ids keep that order)."""
    ids = list(offers.values())
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(OfferTier).where(OfferTier.offer_id.in_(ids[start : start + CHUNK])))
    session.execute(
        insert(OfferTier),
        [
            {"offer_id": offers[known[row.sku].id], "min_quantity": q, "unit_price": p}
            for row in rows
            for q, p in row.tiers
        ],
    )
