"""A supplier order as documents the supplier works with: the German order form as a
PDF ("Bestellung Nr. …"), and what both it and the CSV files (``order_csv``) are made
of. Each says where the goods go (rule 11): every line's whole packs per delivery
address, the depot's address for all that is not a site's whole packs; and each shows
the order net, the VAT per rate and gross (rule 12): each line at its product's rate,
the shipping fee at the standard rate, each rate's VAT rounded once on the sum of its
net amounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.order_book import standing_lines, supplier_order
from pooling.domain.distribution import Distribution, distribute
from pooling.domain.model import earliest_needed_by
from pooling.domain.vat import STANDARD_RATE, VatAtRate, vat_breakdown
from shared.pdf import latin, letterhead
from shared.settings import Settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderDocument:
    """An order with what a supplier needs to read it: its own name, product names, units."""

    order: orm.Order
    supplier_name: str | None
    products: dict[str, tuple[str, str]]  # sku -> (product name, unit)
    vat_rates: dict[str, Decimal] = field(default_factory=dict)  # sku -> percent
    depot_address: str = ""  # the cooperative's, where all goes that is no site's packs

    @property
    def distribution(self) -> Distribution:
        return distribute(supplier_order(self.order), self.depot_address)

    def vat_rate(self, sku: str) -> Decimal:
        return self.vat_rates.get(sku, STANDARD_RATE)

    @property
    def lines(self) -> list[orm.OrderLine]:
        """The lines to deliver: a line the supplier declined (rule 8) is not on the form."""
        return standing_lines(self.order)

    @property
    def goods_total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        """What was ordered, net: the lines to deliver and the fee (the order's own total
        is what arrived, once the receipt is booked)."""
        return self.goods_total + self.order.shipping_fee

    @property
    def vat(self) -> list[VatAtRate]:
        """The VAT per rate: the lines at their products' rates, the fee at 19 %."""
        amounts = [(self.vat_rate(line.sku), line.line_total) for line in self.lines]
        if self.order.shipping_fee:
            amounts.append((STANDARD_RATE, self.order.shipping_fee))
        return vat_breakdown(amounts)

    @property
    def gross_total(self) -> Decimal:
        return self.total + sum((entry.vat for entry in self.vat), Decimal(0))


def depot_address(settings: Settings) -> str:
    """The depot's delivery address: the cooperative's (the office's setting)."""
    street, city = settings.cooperative_street, settings.cooperative_city
    name, postcode = settings.cooperative_legal_name, settings.cooperative_postcode
    return f"Lager {name}, {street}, {postcode} {city}"


def order_document(session: Session, order: orm.Order, depot: str = "") -> OrderDocument:
    terms = session.get(orm.SupplierTerms, order.supplier_id)
    skus = [line.sku for line in order.lines]
    query = select(orm.Offer.sku, orm.Offer.product_name, orm.Offer.unit, orm.Offer.vat_rate).where(
        orm.Offer.supplier_id == order.supplier_id, orm.Offer.sku.in_(skus)
    )
    found = session.execute(query).all()
    products = {sku: (name, unit) for sku, name, unit, _rate in found}
    rates = {sku: rate for sku, _name, _unit, rate in found}
    return OrderDocument(order, terms.name if terms else None, products, rates, depot)


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
        ("Runde", str(order.window_id)),
    ):
        pdf.cell(30, 6, f"{label}:")
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _lines_table(pdf, document)
    pdf.ln(4)
    _totals(pdf, document)
    return bytes(pdf.output())


# Pos., Artikel, Gebinde, Menge, Einzelpreis, USt., Gesamt (netto)
WIDTHS = (10, 58, 18, 30, 28, 14, 32)


def _lines_table(pdf: FPDF, document: OrderDocument) -> None:
    headings = ("Pos.", "Artikel", "Gebinde", "Menge", "Einzelpreis", "USt.", "Netto")
    pdf.set_font("Helvetica", "B", 9)
    for width, heading in zip(WIDTHS, headings, strict=True):
        pdf.cell(width, 7, heading, border="B", align="L" if heading == "Artikel" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    distribution = document.distribution
    for position, line in enumerate(document.lines, start=1):
        name, unit = document.products.get(line.sku, ("", ""))
        article = latin(f"{line.sku} {name}".strip())
        cells = (
            str(position),
            article if len(article) <= 36 else article[:35] + "…",
            str(line.packs),
            f"{german(plain(line.ordered_quantity))} {latin(unit)}".strip(),
            euro(line.unit_price, price(line.unit_price)),
            percent(document.vat_rate(line.sku)),
            euro(line.line_total),
        )
        for width, text in zip(WIDTHS, cells, strict=True):
            pdf.cell(width, 6, text, align="L" if width == WIDTHS[1] else "R")
        pdf.ln()
        _needed_by(pdf, earliest_needed_by(line.allocations))
        _addresses(pdf, distribution, line.sku, unit)


def _needed_by(pdf: FPDF, day: date | None) -> None:
    """The line's earliest "benötigt bis", indented under it, when a need gave one."""
    if day is None:
        return
    pdf.set_font("Helvetica", "B", 8)
    pdf.cell(WIDTHS[0], 5, "")
    pdf.cell(sum(WIDTHS[1:]), 5, latin(f"Benötigt bis: {day:%d.%m.%Y}"))
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)


def _addresses(pdf: FPDF, distribution: Distribution, sku: str, unit: str) -> None:
    """The line's whole packs per delivery address, indented under it; a long address
    wraps onto as many lines as it needs, never cut."""
    pdf.set_font("Helvetica", "", 8)
    width = sum(WIDTHS[1:5])
    for drop in distribution.drops_of(sku):
        label = latin(f"Lieferort: {drop.address}")
        lines = len(pdf.multi_cell(width, 5, label, dry_run=True, output="LINES"))
        if pdf.will_page_break(lines * 5):
            pdf.add_page()
        top = pdf.get_y()
        pdf.cell(WIDTHS[0], 5, "")
        pdf.multi_cell(width, 5, label, new_x="RIGHT", new_y="TOP")
        pdf.cell(WIDTHS[5], 5, f"{drop.packs} Geb.", align="R")
        pdf.cell(WIDTHS[6], 5, f"{german(plain(drop.quantity))} {latin(unit)}".strip(), align="R")
        pdf.set_xy(pdf.l_margin, top + lines * 5)
    pdf.set_font("Helvetica", "", 9)


def _totals(pdf: FPDF, document: OrderDocument) -> None:
    """Goods, fee and net; the VAT per rate on its taxable amount; gross, in bold."""
    order = document.order
    label_width, amount_width = sum(WIDTHS) - WIDTHS[-1], WIDTHS[-1]
    rows = [
        ("Warenwert netto", euro(document.goods_total), ""),
        (f"Versandkosten netto ({percent(STANDARD_RATE)} USt.)", euro(order.shipping_fee), ""),
        ("Summe netto", euro(document.total), ""),
    ]
    rows += [
        (f"zzgl. {percent(entry.rate)} USt. auf {euro(entry.taxable)}", euro(entry.vat), "")
        for entry in document.vat
    ]
    rows.append(("Gesamtbetrag brutto", euro(document.gross_total), "B"))
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


def percent(rate: Decimal) -> str:
    """``19 %``, ``7 %``, ``0 %``: a VAT rate as a German form shows it."""
    return f"{german(plain(rate))} %"


def euro(amount: Decimal, shown: Decimal | None = None) -> str:
    """``amount`` in euros and cents, or as ``shown`` (a price with more places)."""
    return f"{german(money(amount) if shown is None else shown)} €"


def german_date(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")
