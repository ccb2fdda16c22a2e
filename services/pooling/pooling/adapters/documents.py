"""A supplier order as documents the supplier works with: a CSV for its system, a PDF form.

The CSV is for machines: semicolon-separated, UTF-8, plain decimals, one row per
allocation, then the totals. The PDF is the German order form a wholesaler's
office expects ("Bestellung Nr. …"). Both say where the goods go (rule 11): every
line's whole packs per delivery address, the depot's address for all that is not a
site's whole packs. The CSV follows a line's allocation rows (each naming its need's
delivery site) with one row per address: no need id, the packs and quantity for that
address in ``packs`` and ``ordered_quantity``, the address in ``delivery_site``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.order_book import standing_lines, supplier_order
from pooling.domain.distribution import Distribution, distribute
from pooling.domain.model import HEAD_OFFICE
from shared.csv_files import Cell, csv_text
from shared.pdf import latin, letterhead
from shared.settings import Settings

CSV_COLUMNS = (
    "sku",
    "packs",
    "ordered_quantity",
    "unit_price",
    "line_total",
    "need_id",
    "member_id",
    "quantity",
    "delivery_site",
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderDocument:
    """An order with what a supplier needs to read it: its own name, product names, units."""

    order: orm.Order
    supplier_name: str | None
    products: dict[str, tuple[str, str]]  # sku -> (product name, unit)
    depot_address: str = ""  # the cooperative's, where all goes that is no site's packs

    @property
    def distribution(self) -> Distribution:
        return distribute(supplier_order(self.order), self.depot_address)

    @property
    def lines(self) -> list[orm.OrderLine]:
        """The lines to deliver: a line the supplier declined (rule 8) is not on the form."""
        return standing_lines(self.order)

    @property
    def goods_total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        """What was ordered: the lines to deliver and the fee (the order's own total is
        what arrived, once the receipt is booked)."""
        return self.goods_total + self.order.shipping_fee


def depot_address(settings: Settings) -> str:
    """The depot's delivery address: the cooperative's (the office's setting)."""
    street, city = settings.cooperative_street, settings.cooperative_city
    name, postcode = settings.cooperative_legal_name, settings.cooperative_postcode
    return f"Lager {name}, {street}, {postcode} {city}"


def order_document(session: Session, order: orm.Order, depot: str = "") -> OrderDocument:
    terms = session.get(orm.SupplierTerms, order.supplier_id)
    skus = [line.sku for line in order.lines]
    query = select(orm.Offer.sku, orm.Offer.product_name, orm.Offer.unit).where(
        orm.Offer.supplier_id == order.supplier_id, orm.Offer.sku.in_(skus)
    )
    products = {sku: (name, unit) for sku, name, unit in session.execute(query)}
    return OrderDocument(order, terms.name if terms else None, products, depot)


def order_csv(document: OrderDocument) -> str:
    """One row per allocation under the header, then rows ``goods``, ``shipping_fee`` and
    ``total`` with their amount in the ``line_total`` column."""
    rows: list[list[Cell]] = []
    distribution = document.distribution
    for line in document.lines:
        figures: list[Cell] = [
            line.sku,
            line.packs,
            plain(line.ordered_quantity),
            price(line.unit_price),
            money(line.line_total),
        ]
        for a in line.allocations:
            site = a.delivery_site or HEAD_OFFICE
            rows.append([*figures, a.need_id, a.member_id, plain(a.quantity), site])
        for drop in distribution.drops_of(line.sku):
            rows.append([line.sku, drop.packs, plain(drop.quantity), *[None] * 5, drop.address])
    empty = [None] * 4
    for label, amount in (
        ("goods", document.goods_total),
        ("shipping_fee", document.order.shipping_fee),
        ("total", document.total),
    ):
        rows.append([label, None, None, None, money(amount), *empty])
    return csv_text(CSV_COLUMNS, rows)


def order_pdf(document: OrderDocument, cooperative: str, timezone: str) -> bytes:
    """The German order form, A4 portrait, with the built-in Helvetica (Windows-1252).

    Left uncompressed: a one-page form with a built-in font is a few kilobytes, and
    its text stays searchable in the raw file.
    """
    order = document.order
    pdf = letterhead(cooperative, f"Bestellung Nr. {order.id}")
    supplier = f"Nr. {order.supplier_id}"
    if document.supplier_name:
        supplier = f"{latin(document.supplier_name)} ({supplier})"
    for label, value in (
        ("Datum", german_date(order.placed_at, timezone)),
        ("Lieferant", supplier),
        ("Poolfenster", str(order.window_id)),
    ):
        pdf.cell(30, 6, f"{label}:")
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _lines_table(pdf, document, document.distribution)
    pdf.ln(4)
    _totals(pdf, document)
    return bytes(pdf.output())


WIDTHS = (10, 68, 20, 30, 30, 32)  # Pos., Artikel, Gebinde, Menge, Einzelpreis, Gesamt


def _lines_table(pdf: FPDF, document: OrderDocument, distribution: Distribution) -> None:
    headings = ("Pos.", "Artikel", "Gebinde", "Menge", "Einzelpreis", "Gesamt")
    pdf.set_font("Helvetica", "B", 9)
    for width, heading in zip(WIDTHS, headings, strict=True):
        pdf.cell(width, 7, heading, border="B", align="L" if heading == "Artikel" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for position, line in enumerate(document.lines, start=1):
        name, unit = document.products.get(line.sku, ("", ""))
        article = latin(f"{line.sku} {name}".strip())
        cells = (
            str(position),
            article if len(article) <= 42 else article[:41] + "…",
            str(line.packs),
            f"{german(plain(line.ordered_quantity))} {latin(unit)}".strip(),
            euro(line.unit_price, price(line.unit_price)),
            euro(line.line_total),
        )
        for width, text in zip(WIDTHS, cells, strict=True):
            pdf.cell(width, 6, text, align="L" if width == WIDTHS[1] else "R")
        pdf.ln()
        _addresses(pdf, distribution, line.sku, unit)


def _addresses(pdf: FPDF, distribution: Distribution, sku: str, unit: str) -> None:
    """The line's whole packs per delivery address, indented under it."""
    pdf.set_font("Helvetica", "", 8)
    for drop in distribution.drops_of(sku):
        label = latin(f"Lieferort: {drop.address}")
        pdf.cell(WIDTHS[0], 5, "")
        pdf.cell(WIDTHS[1], 5, label if len(label) <= 42 else label[:41] + "…")
        pdf.cell(WIDTHS[2], 5, str(drop.packs), align="R")
        pdf.cell(WIDTHS[3], 5, f"{german(plain(drop.quantity))} {latin(unit)}".strip(), align="R")
        pdf.ln()
    pdf.set_font("Helvetica", "", 9)


def _totals(pdf: FPDF, document: OrderDocument) -> None:
    order = document.order
    label_width, amount_width = sum(WIDTHS) - WIDTHS[-1], WIDTHS[-1]
    rows = (
        ("Warenwert", euro(document.goods_total), ""),
        ("Versandkosten", euro(order.shipping_fee), ""),
        ("Gesamtbetrag", euro(document.total), "B"),
    )
    for label, amount, style in rows:
        pdf.set_font("Helvetica", style, 10)
        pdf.cell(label_width, 6, label, align="R")
        pdf.cell(amount_width, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")


def plain(number: Decimal) -> Decimal:
    """A quantity without trailing zeros: ``14``, ``2.5``."""
    return Decimal(number).normalize()


def money(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT)


def price(amount: Decimal) -> Decimal:
    """A unit price with at least two and at most its own decimal places: ``4.20``, ``3.125``."""
    exact = Decimal(amount).normalize()
    exponent = exact.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    return exact.quantize(Decimal(1).scaleb(-places))


def german(number: Decimal) -> str:
    """``1234.5`` as Germans write it: ``1.234,5``."""
    whole, _, fraction = format(number, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    whole = sign + ".".join([digits, *groups])
    return f"{whole},{fraction}" if fraction else whole


def euro(amount: Decimal, shown: Decimal | None = None) -> str:
    """``amount`` in euros and cents, or as ``shown`` (a price with more places)."""
    return f"{german(money(amount) if shown is None else shown)} €"


def german_date(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")
