"""An invoice's Factur-X PDF as one pass of fpdf2 writes it: PDF/A-3B with its fonts
embedded, ``factur-x.xml`` attached as its associated file, the Factur-X XMP; the fonts'
objects made once per process give the same document as fpdf2's own writing; and a
window's documents made in a pool of processes are the ones made one after another."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.adapters import facturx_pdf
from billing.adapters.document_pool import DocumentPool
from billing.adapters.documents import documents
from billing.domain.invoicing import charges_for
from billing.domain.model import Invoice, Kind
from billing.service_layer.unit_of_work import Documents
from tests.support.einvoice import assert_valid_invoice
from tests.unit.billing.factories import PRODUCTS, RECEIVED, SELLER, buyer

DAY = date(2026, 12, 7)


def invoice_of(member_id: int, **buyer_fields: object) -> Invoice:
    return Invoice(
        kind=Kind.INVOICE,
        number=f"ZK-2026-{member_id:06d}",
        issued_on=DAY,
        member_id=member_id,
        window_id=1,
        seller=SELLER,
        buyer=buyer(member_id, **buyer_fields),
        charges=charges_for(RECEIVED[member_id], PRODUCTS),  # type: ignore[arg-type]
        delivered_on=DAY,
        savings=Decimal("12.30"),
    )


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_pdf_is_pdf_a_3b_with_its_fonts_embedded_and_the_xml_attached() -> None:
    made = documents(invoice_of(3, legal_name="Malerei Größe & Söhne"))

    assert_valid_invoice(made.pdf, made.xml)
    reader = PdfReader(io.BytesIO(made.pdf))
    fonts = [
        font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    ]
    assert len(fonts) == 2 and all("/FontFile2" in font for font in fonts)
    assert {str(f["/FontName"]) for f in fonts} == {
        "/MPDFAA+DejaVuSansBook",
        "/MPDFAA+DejaVuSansBold",
    }
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    spec = root["/AF"][0].get_object()
    assert (spec["/F"], spec["/AFRelationship"]) == ("factur-x.xml", "/Data")
    attached = spec["/EF"]["/F"].get_object()
    assert attached["/Subtype"] == "/text/xml" and "/ModDate" in attached["/Params"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B<" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert "Malerei Größe & Söhne" in page_text(made.pdf)


def test_the_fonts_made_once_give_what_fpdf2_writes_itself() -> None:
    """The second document of a process takes the fonts' objects the first one made."""
    invoice = invoice_of(1)
    first = documents(invoice).pdf
    facturx_pdf._FONT_OBJECTS.clear()
    again = documents(invoice).pdf
    second = documents(invoice).pdf

    # the same bytes but for the moments of writing (dates, file id)
    assert len(first) == len(again) == len(second)
    assert page_text(first) == page_text(second)
    fonts_of = [
        PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"] for pdf in (again, second)
    ]
    for key in fonts_of[0]:
        made, taken = (fonts[key]["/DescendantFonts"][0].get_object() for fonts in fonts_of)
        assert made["/W"] == taken["/W"]
        programs = [f["/FontDescriptor"]["/FontFile2"].get_data() for f in (made, taken)]
        assert programs[0] == programs[1]


def test_text_beyond_the_fonts_is_shown_as_a_question_mark() -> None:
    made = documents(invoice_of(2, legal_name="Ремонт Łódź"))

    assert "?????? Łódź" in page_text(made.pdf)
    assert "Ремонт Łódź".encode() in made.xml  # the XML keeps the name as it is


def test_a_window_made_in_the_pool_has_the_documents_made_one_after_another() -> None:
    invoices = [invoice_of(m, language="en" if m == 4 else "de") for m in (1, 2, 3, 4)]
    pool = DocumentPool(processes=2, least=2)
    try:
        pooled = pool(documents, invoices)
    finally:
        pool.close()

    assert [d.xml for d in pooled] == [documents(i).xml for i in invoices]
    for made in pooled:
        assert_valid_invoice(made.pdf, made.xml)
    assert [page_text(d.pdf).count("Rechnung") > 0 for d in pooled] == [True, True, True, False]


def test_documents_made_on_several_threads_at_once_are_each_whole() -> None:
    """A worker's consumers issue on threads of their own; the fonts' kept objects are
    numbered anew in each document."""
    invoices = [invoice_of(m) for m in (1, 2, 3, 4)]
    facturx_pdf._FONT_OBJECTS.clear()
    with ThreadPoolExecutor(4) as threads:
        made = list(threads.map(documents, invoices * 5))

    for invoice, both in zip(invoices * 5, made, strict=True):
        assert_valid_invoice(both.pdf, both.xml)
        assert invoice.number in page_text(both.pdf)


@pytest.mark.parametrize("processes, least, count", [(2, 5, 4), (1, 1, 4)])
def test_a_small_window_or_one_core_makes_its_documents_here(
    processes: int, least: int, count: int
) -> None:
    made_here: list[str] = []

    def here(invoice: Invoice) -> Documents:  # a closure: a pool could not even take it
        made_here.append(invoice.number)
        return Documents(b"%PDF", b"<xml/>")

    pool = DocumentPool(processes=processes, least=least)
    invoices = [invoice_of(m) for m in (1, 2, 3, 4)][:count]
    assert len(pool(here, invoices)) == count
    assert made_here == [i.number for i in invoices] and pool.pool is None
