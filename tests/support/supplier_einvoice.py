# ruff: noqa: E501  (XML templates, one element group per line)
"""Supplier e-invoices made in the tests as a supplier's software would: EN 16931 CII (and
that CII in a Factur-X PDF made with the factur-x library) or XRechnung UBL, with totals
computed by the EN 16931 rules from the lines and the fee."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from facturx import generate_from_binary
from fpdf import FPDF

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: str
    unit_price: str
    vat_rate: str = "19"

    @property
    def net(self) -> Decimal:
        return (Decimal(self.quantity) * Decimal(self.unit_price)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Bill:
    """An invoice's content; ``order`` is BT-13, the cooperative's order number."""

    number: str
    order: str | None
    lines: tuple[Line, ...]
    fee: str = "0.00"
    currency: str = "EUR"
    issued_on: date = date(2026, 3, 17)
    seller: str = "Baustoffhandel A GmbH"
    seller_vat_id: str = "DE123456789"
    vat_over: dict[str, str] = field(default_factory=dict)  # rate -> VAT to write instead

    def breakdown(self) -> list[tuple[str, Decimal, Decimal]]:
        taxable: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            taxable[line.vat_rate] += line.net
        if Decimal(self.fee):
            taxable["19"] += Decimal(self.fee)
        return [
            (rate, base, Decimal(self.vat_over.get(rate, "0")) or _vat(base, rate))
            for rate, base in sorted(taxable.items())
        ]

    def totals(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        lines = sum((line.net for line in self.lines), Decimal("0.00"))
        net = lines + Decimal(self.fee)
        vat = sum((v for _r, _b, v in self.breakdown()), Decimal("0.00"))
        return lines, net, vat, net + vat


def _vat(base: Decimal, rate: str) -> Decimal:
    return (base * Decimal(rate) / 100).quantize(CENT, ROUND_HALF_UP)


def _cii_line(position: int, line: Line) -> str:
    return f"""<ram:IncludedSupplyChainTradeLineItem>
<ram:AssociatedDocumentLineDocument><ram:LineID>{position}</ram:LineID></ram:AssociatedDocumentLineDocument>
<ram:SpecifiedTradeProduct><ram:SellerAssignedID>{escape(line.sku)}</ram:SellerAssignedID><ram:Name>{escape(line.sku)}</ram:Name></ram:SpecifiedTradeProduct>
<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{line.unit_price}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">{line.quantity}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>{line.vat_rate}</ram:RateApplicablePercent></ram:ApplicableTradeTax>
<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{line.net}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
</ram:IncludedSupplyChainTradeLineItem>"""


def _party(name: str, vat_id: str | None) -> str:
    tax = (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{vat_id}</ram:ID></ram:SpecifiedTaxRegistration>'
        if vat_id
        else ""
    )
    return (
        f"<ram:Name>{escape(name)}</ram:Name><ram:PostalTradeAddress><ram:PostcodeCode>44135"
        "</ram:PostcodeCode><ram:CityName>Dortmund</ram:CityName><ram:CountryID>DE</ram:CountryID>"
        f"</ram:PostalTradeAddress>{tax}"
    )


def cii_xml(bill: Bill) -> bytes:
    """The bill as EN 16931 CII (Factur-X profile EN 16931)."""
    lines_total, net, vat, gross = bill.totals()
    taxes = "".join(
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>{v}</ram:CalculatedAmount><ram:TypeCode>VAT"
        f"</ram:TypeCode><ram:BasisAmount>{b}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{r}</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
        for r, b, v in bill.breakdown()
    )
    fee = Decimal(bill.fee)
    charge = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true</udt:Indicator>"
        f"</ram:ChargeIndicator><ram:ActualAmount>{fee}</ram:ActualAmount><ram:Reason>Fracht</ram:Reason>"
        "<ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>"
        "<ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:CategoryTradeTax>"
        "</ram:SpecifiedTradeAllowanceCharge>"
        if fee
        else ""
    )
    order = (
        f"<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{escape(bill.order)}"
        "</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
        if bill.order
        else ""
    )
    items = "".join(_cii_line(n, line) for n, line in enumerate(bill.lines, 1))
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>{escape(bill.number)}</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">{bill.issued_on:%Y%m%d}</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>{items}
<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty>{_party(bill.seller, bill.seller_vat_id)}</ram:SellerTradeParty><ram:BuyerTradeParty>{_party("Handwerkszirkel Dortmund eG", None)}</ram:BuyerTradeParty>{order}</ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeDelivery/>
<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>{bill.currency}</ram:InvoiceCurrencyCode>{taxes}{charge}
<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260416</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>{lines_total}</ram:LineTotalAmount>{f"<ram:ChargeTotalAmount>{fee}</ram:ChargeTotalAmount>" if fee else ""}<ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="{bill.currency}">{vat}</ram:TaxTotalAmount><ram:GrandTotalAmount>{gross}</ram:GrandTotalAmount><ram:DuePayableAmount>{gross}</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"""
    return text.encode()


def facturx_pdf(bill: Bill) -> bytes:
    """The bill as a Factur-X PDF (profile EN 16931), made with the factur-x library."""
    visible = FPDF()
    visible.add_page()
    visible.set_font("helvetica", size=12)
    visible.cell(text=f"Rechnung {bill.number}")
    return bytes(
        generate_from_binary(
            bytes(visible.output()), cii_xml(bill), flavor="factur-x", level="en16931"
        )
    )


def facturx_bomb(bill: Bill, inflated_mib: int, declared: bool = False) -> bytes:
    """A small PDF whose ``factur-x.xml`` is the bill's CII followed by ``inflated_mib`` MiB of
    blanks, compressed about a thousandfold (256 MiB in 255 KB): well-formed, and a valid
    invoice to a reader that unpacks it whole. Its /Params /Size tells the true size only
    when ``declared``."""
    return pdf_carrying(cii_xml(bill), inflated_mib, declared)


def pdf_carrying(xml: bytes, blank_mib: int = 0, declared: bool = False) -> bytes:
    """A one-page PDF written by hand carrying ``xml`` (and ``blank_mib`` MiB of blanks after
    it) as ``factur-x.xml``, compressed."""
    packer, blanks = zlib.compressobj(9), b" " * (1 << 20)
    packed = [packer.compress(xml)]
    packed += [packer.compress(blanks) for _mib in range(blank_mib)]
    stream = b"".join(packed) + packer.flush()
    size = len(xml) + (blank_mib << 20)
    params = f"/Params << /Size {size} >> " if declared else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R "
        b"/Names << /EmbeddedFiles << /Names [(factur-x.xml) 4 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data "
        b"/EF << /F 5 0 R /UF 5 0 R >> >>",
        f"<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode {params}"
        f"/Length {len(stream)} >>\nstream\n".encode()
        + stream
        + b"\nendstream",
    ]
    pdf, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    pdf += f"startxref\n{table}\n%%EOF\n".encode()
    return bytes(pdf)


def ubl_xml(bill: Bill) -> bytes:
    """The bill as XRechnung UBL 2.1."""
    lines_total, net, vat, gross = bill.totals()
    cur = f'currencyID="{bill.currency}"'
    subtotals = "".join(
        f"<cac:TaxSubtotal><cbc:TaxableAmount {cur}>{b}</cbc:TaxableAmount><cbc:TaxAmount {cur}>{v}"
        f"</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{r}</cbc:Percent>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>"
        for r, b, v in bill.breakdown()
    )
    items = "".join(
        f'<cac:InvoiceLine><cbc:ID>{n}</cbc:ID><cbc:InvoicedQuantity unitCode="H87">{ln.quantity}'
        f"</cbc:InvoicedQuantity><cbc:LineExtensionAmount {cur}>{ln.net}</cbc:LineExtensionAmount>"
        f"<cac:Item><cbc:Name>{escape(ln.sku)}</cbc:Name><cac:SellersItemIdentification><cbc:ID>"
        f"{escape(ln.sku)}</cbc:ID></cac:SellersItemIdentification><cac:ClassifiedTaxCategory>"
        f"<cbc:ID>S</cbc:ID><cbc:Percent>{ln.vat_rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT"
        "</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price>"
        f"<cbc:PriceAmount {cur}>{ln.unit_price}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>"
        for n, ln in enumerate(bill.lines, 1)
    )
    fee = Decimal(bill.fee)
    charge = (
        f"<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:Amount {cur}>"
        f"{fee}</cbc:Amount></cac:AllowanceCharge>"
        if fee
        else ""
    )
    order = (
        f"<cac:OrderReference><cbc:ID>{escape(bill.order)}</cbc:ID></cac:OrderReference>"
        if bill.order
        else ""
    )
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
<cbc:ID>{escape(bill.number)}</cbc:ID><cbc:IssueDate>{bill.issued_on.isoformat()}</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
<cbc:DocumentCurrencyCode>{bill.currency}</cbc:DocumentCurrencyCode>{order}
<cac:AccountingSupplierParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID>{bill.seller_vat_id}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>{escape(bill.seller)}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
{charge}<cac:TaxTotal><cbc:TaxAmount {cur}>{vat}</cbc:TaxAmount>{subtotals}</cac:TaxTotal>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount {cur}>{lines_total}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount {cur}>{net}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount {cur}>{gross}</cbc:TaxInclusiveAmount>{f"<cbc:ChargeTotalAmount {cur}>{fee}</cbc:ChargeTotalAmount>" if fee else ""}<cbc:PayableAmount {cur}>{gross}</cbc:PayableAmount></cac:LegalMonetaryTotal>
{items}</Invoice>"""
    return text.encode()
