"""Reading suppliers' e-invoices (rule 14): the official CII examples to the cent, Factur-X
PDFs and XRechnung UBL made as a supplier's software makes them, and hostile or broken
files refused with a message that says what is wrong."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.adapters.einvoice_reader import MAX_INVOICE_BYTES, read_invoice
from billing.domain.supplier_invoices import InvoiceUnreadable
from tests.support.einvoice import beside
from tests.support.supplier_einvoice import (
    Bill,
    Line,
    cii_xml,
    facturx_bomb,
    facturx_pdf,
    pdf_carrying,
    ubl_xml,
)

# BT-106 (sum of line net amounts), BT-109, BT-110, BT-112 as each example states them
EXAMPLES = {
    "CII_example1.xml": ("229.6", "229.6", "20.73", "250.33"),
    "CII_example3.xml": ("800", "900", "225", "1125"),
    "CII_example4.xml": ("4000", "4000", "675", "4675"),
    "CII_example5.xml": ("4000.00", "4000", "675.00", "4675"),
    "XRechnung-O.xml": ("336300.95", "385544.60", "0", "385544.60"),
}


def example(name: str) -> bytes:
    return beside("examples", name).read_bytes()


def test_every_example_beside_the_project_is_known_here() -> None:
    found = sorted(p.name for p in beside("examples").glob("*.xml"))
    assert found == sorted(EXAMPLES), "a new example needs its totals in EXAMPLES"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_cii_example_is_read_with_its_totals(name: str) -> None:
    lines_total, net, vat, gross = (Decimal(x) for x in EXAMPLES[name])
    invoice = read_invoice(example(name))
    assert sum(line.net_amount for line in invoice.lines) == lines_total
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (net, vat, gross)
    assert invoice.number and invoice.seller.name and invoice.syntax == "CII"


def test_an_example_is_read_line_by_line() -> None:
    invoice = read_invoice(example("CII_example4.xml"))
    assert (invoice.number, str(invoice.issued_on), invoice.currency) == (
        "TOSL110",
        "2013-04-10",
        "DKK",
    )
    assert (invoice.seller.name, invoice.seller.vat_id) == ("SellerCompany", "DK16356706")
    assert invoice.order_reference == "123"
    first = invoice.lines[0]
    assert (first.sku, first.quantity, first.unit_price, first.vat_rate) == (
        "JB007",
        Decimal("1000"),
        Decimal("1"),
        Decimal("25"),
    )
    assert [(v.rate, v.taxable, v.vat) for v in invoice.vat_breakdown] == [
        (Decimal("25"), Decimal("1500"), Decimal("375")),
        (Decimal("12"), Decimal("2500"), Decimal("300")),
    ]


def test_the_vat_total_is_the_one_in_the_invoice_currency() -> None:
    invoice = read_invoice(example("CII_example5.xml"))  # also states 628.62 EUR (BT-111)
    assert invoice.vat_total == Decimal("675.00") and invoice.due_payable == Decimal("2337.5")
    assert invoice.fee == 0  # 150 charged, 150 allowed


WORKED = Bill(
    number="RE-2026-0815",
    order="1",
    lines=(Line("DISP-10L", "12", "38.00"), Line("SIL-300", "72", "4.20")),
)


@pytest.mark.parametrize("make", [cii_xml, facturx_pdf, ubl_xml])
def test_the_worked_example_invoice_in_each_form(make) -> None:  # type: ignore[no-untyped-def]
    invoice = read_invoice(make(WORKED))
    assert invoice.net_total == Decimal("758.40") and invoice.vat_total == Decimal("144.10")
    assert invoice.gross_total == Decimal("902.50") and invoice.order_reference == "1"
    assert [(ln.sku, ln.quantity, ln.unit_price, ln.net_amount) for ln in invoice.lines] == [
        ("DISP-10L", Decimal("12"), Decimal("38.00"), Decimal("456.00")),
        ("SIL-300", Decimal("72"), Decimal("4.20"), Decimal("302.40")),
    ]
    assert invoice.seller.vat_id == "DE123456789" and invoice.currency == "EUR"


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)
lines = st.lists(
    st.builds(
        Line,
        sku=st.from_regex(r"[A-Z]{2,6}-[0-9]{1,4}", fullmatch=True),
        quantity=st.integers(1, 5000).map(str),
        unit_price=amounts.map(str),
        vat_rate=st.sampled_from(["0", "7", "19"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(lines=lines, fee=st.sampled_from(["0.00", "25.00", "19.90"]), ubl=st.booleans())
def test_what_is_written_is_what_is_read(lines: list[Line], fee: str, ubl: bool) -> None:
    bill = Bill(number="R-1", order="7", lines=tuple(lines), fee=fee)
    invoice = read_invoice((ubl_xml if ubl else cii_xml)(bill))
    _lines, net, vat, gross = bill.totals()
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (net, vat, gross)
    assert invoice.fee == Decimal(fee)
    assert [(ln.quantity, ln.unit_price, ln.net_amount) for ln in invoice.lines] == [
        (Decimal(ln.quantity), Decimal(ln.unit_price), ln.net) for ln in lines
    ]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
<rsm:ExchangedDocument>&xxe;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"""

LAUGHS = (
    b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
"""
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b"""]>
<r>&lol9;</r>"""
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (XXE, "DOCTYPE"),
        (LAUGHS, "DOCTYPE"),
        (b"<" * (MAX_INVOICE_BYTES + 1), "larger than"),
        (b"", "empty"),
        (b"<Invoice><ID>1</ID>", "well-formed"),
        (b"<order xmlns='urn:x'/>", "neither a CII"),
        (b"%PDF-1.4 this is not really a PDF", "PDF cannot be read"),
        (cii_xml(WORKED).replace(b"<ram:TaxBasisTotalAmount>758.40", b"<ram:X>"), "well-formed"),
        (cii_xml(WORKED).replace(b">758.40<", b">7,58<"), "not a number"),
        (cii_xml(WORKED).replace(b"<ram:ID>RE-2026-0815</ram:ID>", b""), "invoice number"),
    ],
)
def test_a_file_that_is_not_a_readable_invoice_is_refused(data: bytes, says: str) -> None:
    with pytest.raises(InvoiceUnreadable, match=says):
        read_invoice(data)


@pytest.mark.parametrize(
    ("xml", "says"), [(XXE, "DOCTYPE"), (LAUGHS, "DOCTYPE"), (b" ", "no Factur-X")]
)
def test_hostile_xml_inside_a_pdf_is_refused_as_it_is_outside(xml: bytes, says: str) -> None:
    with pytest.raises(InvoiceUnreadable, match=says):
        read_invoice(pdf_carrying(xml))


def test_a_pdf_without_an_invoice_inside_is_refused() -> None:
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    with pytest.raises(InvoiceUnreadable, match="no Factur-X"):
        read_invoice(bytes(plain.output()))


@pytest.mark.parametrize("declared", [False, True], ids=["size-unsaid", "size-declared"])
def test_a_small_pdf_whose_xml_inflates_far_over_the_limit_is_refused_cheaply(
    declared: bool,
) -> None:
    """64 MiB of XML in a 66 KB PDF (under pypdf's own limit of 75 MB, which once let it be
    inflated whole and parsed: 136 MiB at the peak) is refused after 1 MiB at most."""
    bomb = facturx_bomb(WORKED, inflated_mib=64, declared=declared)
    assert len(bomb) < 100_000
    assert read_invoice(facturx_bomb(WORKED, inflated_mib=0)).net_total == Decimal("758.40")
    tracemalloc.start()
    try:
        with pytest.raises(InvoiceUnreadable, match="invoice XML is larger than 1024 KiB"):
            read_invoice(bomb)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
