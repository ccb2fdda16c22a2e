"""The visible invoice: an A4 page drawn with fpdf2 in DejaVu Sans, embedded
(``facturx_pdf``), ready to be written as the Factur-X PDF. Text is placed with ``text`` at
a running line, not with ``cell``: a window's 500 invoices are drawn in one transaction,
and a cell costs several times as much."""

from __future__ import annotations

from fpdf import FPDF

from billing.adapters import facturx_pdf, texts
from billing.adapters.cii import due_on
from billing.adapters.facturx_pdf import FAMILY, new_document
from billing.domain.model import Invoice

LEFT, RIGHT = 15.0, 195.0
# (key, right edge or left edge, alignment) of the lines' table
COLUMNS = (
    ("position", LEFT, "L"),
    ("description", LEFT + 10, "L"),
    ("quantity", 117.0, "R"),
    ("unit_price", 150.0, "R"),
    ("vat_rate", 163.0, "R"),
    ("net_amount", RIGHT, "R"),
)
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
DESCRIPTION_WIDTH = 68.0  # mm, up to where a long quantity with its unit begins


class Sheet:
    """One page and a running line; ``put`` writes at the line, ``down`` moves it."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.y = 20.0

    def font(self, size: float, style: str = "") -> Sheet:
        self.pdf.set_font(FAMILY, style, size)
        return self

    def put(self, x: float, text: str, align: str = "L") -> Sheet:
        shown = facturx_pdf.shown(text.replace("\u202f", " "))
        if align == "R":
            x -= self.width(shown)
        self.pdf.text(x, self.y, shown)
        return self

    def width(self, text: str) -> float:
        """``text``'s width in mm in the current font: its characters' advance widths (what
        fpdf2's ``get_string_width`` adds up too, at a fifth of its cost)."""
        widths = self.pdf.current_font.cw
        advance = sum(map(widths.__getitem__, map(ord, text)))
        return advance * self.pdf.font_size_pt / 1000 / self.pdf.k

    def fitted(self, text: str, width: float) -> str:
        """``text`` cut to ``width`` mm in the current font."""
        while text and self.width(text) > width:
            text = text[:-2] + "…"
        return text

    def wrapped(self, text: str, width: float = RIGHT - LEFT) -> list[str]:
        """``text`` broken into rows of at most ``width`` mm at spaces."""
        space = self.width(" ")
        rows: list[tuple[str, float]] = []
        for word in text.split():
            wide = self.width(word)
            if rows and rows[-1][1] + space + wide <= width:
                rows[-1] = (f"{rows[-1][0]} {word}", rows[-1][1] + space + wide)
            else:
                rows.append((word, wide))
        return [row for row, _wide in rows]

    def down(self, height: float) -> Sheet:
        self.y += height
        return self

    def rule(self, start: float = LEFT) -> Sheet:
        self.pdf.line(start, self.y - 3.6, RIGHT, self.y - 3.6)
        return self


def visible_pdf(invoice: Invoice) -> FPDF:
    """The invoice's page, drawn; ``facturx_pdf`` writes it with its XML."""
    lang = texts.language_of(invoice)
    title = f"{texts.text(lang, invoice.kind)} {invoice.number}"
    sheet = Sheet(new_document(title, invoice.seller.legal_name, LANGUAGE_TAGS[lang]))
    _parties(sheet, invoice, lang)
    sheet.font(16, "B").put(LEFT, title).down(7)
    _facts(sheet, invoice, lang)
    _lines(sheet, invoice, lang)
    _totals(sheet, invoice, lang)
    sheet.font(9).down(4)
    for note in [*texts.notes(invoice, lang), texts.payment_terms(invoice, lang, due_on(invoice))]:
        for row in sheet.wrapped(note):
            sheet.put(LEFT, row).down(4.5)
    _footer(sheet, invoice, lang)
    return sheet.pdf


def _parties(sheet: Sheet, invoice: Invoice, lang: str) -> None:
    seller, buyer = invoice.seller, invoice.buyer
    sheet.font(13, "B").put(LEFT, seller.legal_name).down(5)
    sheet.font(8).put(LEFT, f"{seller.street} · {seller.postcode} {seller.city}").down(12)
    sheet.font(10)
    place = " ".join(p for p in (buyer.postcode, buyer.city) if p)
    country = buyer.country if buyer.country != "DE" else None
    for line in (buyer.invoice_name, buyer.street, place, country):
        if line:
            sheet.put(LEFT, line).down(5)
    if buyer.vat_id:
        sheet.put(LEFT, f"{texts.text(lang, 'your_vat_id')}: {buyer.vat_id}").down(5)
    sheet.down(10)


def _facts(sheet: Sheet, invoice: Invoice, lang: str) -> None:
    facts = [
        ("issued_on", texts.day(invoice.issued_on, lang)),
        ("member", str(invoice.member_id)),
        ("window", str(invoice.window_id)),
    ]
    if invoice.delivered_on is not None:
        facts.append(("delivered_on", texts.day(invoice.delivered_on, lang)))
    sheet.font(9)
    for label, value in facts:
        sheet.put(LEFT, texts.text(lang, label)).put(LEFT + 40, value).down(4.5)
    sheet.down(6)


def _lines(sheet: Sheet, invoice: Invoice, lang: str) -> None:
    sheet.font(8, "B")
    for key, x, align in COLUMNS:
        sheet.put(x, texts.text(lang, key), align)
    sheet.down(5).rule().font(8)
    for line in invoice.lines:
        cells = {
            "position": str(line.position),
            "description": sheet.fitted(texts.description(line, lang), DESCRIPTION_WIDTH),
            "quantity": f"{texts.number(line.quantity, lang)} {line.unit}".strip(),
            "unit_price": texts.unit_price(line.unit_price, lang),
            "vat_rate": f"{texts.number(line.vat_rate, lang)} %",
            "net_amount": texts.euro(line.net_amount, lang),
        }
        for key, x, align in COLUMNS:
            sheet.put(x, cells[key], align)
        sheet.down(4.5)


def _totals(sheet: Sheet, invoice: Invoice, lang: str) -> None:
    charges = invoice.charges
    rows = [(texts.text(lang, "net_total"), charges.net_total, "")]
    for vat in charges.vat_breakdown:
        rate, taxable = texts.number(vat.rate, lang), texts.euro(vat.taxable, lang)
        rows.append((texts.text(lang, "vat", rate=rate, taxable=taxable), vat.vat, ""))
    rows.append((texts.text(lang, "gross_total"), charges.gross_total, "B"))
    sheet.down(2).rule(110)
    for label, value, style in rows:
        if style:
            sheet.rule(110)
        sheet.font(9, style).put(163.0, label, "R").put(RIGHT, texts.euro(value, lang), "R")
        sheet.down(5)


def _footer(sheet: Sheet, invoice: Invoice, lang: str) -> None:
    seller = invoice.seller
    sheet.y = max(sheet.y + 8, 270.0)
    sheet.font(7)
    for line in (
        f"{seller.legal_name} · {seller.street} · {seller.postcode} {seller.city} · "
        f"{seller.register}",
        f"{texts.text(lang, 'vat_id')} {seller.vat_id} · {texts.text(lang, 'tax_number')} "
        f"{seller.tax_number} · IBAN {seller.iban} · BIC {seller.bic}",
        f"{texts.text(lang, 'contact')}: {seller.contact} · {seller.phone} · {seller.email}",
    ):
        sheet.put(LEFT, line).down(3.5)
