"""The two e-invoice syntaxes EN 16931 allows, read into one ``SupplierInvoice``: UN/CEFACT
CII (inside ZUGFeRD / Factur-X, XRechnung CII) and OASIS UBL 2.1 (XRechnung UBL). Each
business term is named by its EN 16931 number (BT-n) where it is read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from billing.domain.model import ZERO
from billing.domain.supplier_invoices import (
    InvoiceUnreadable,
    Party,
    SupplierInvoice,
    SupplierInvoiceLine,
    VatSubtotal,
)
from shared.errors import Words

NOT_A_NUMBER = Words("The %(what)s is not a number: %(text)r.")

CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


class Finder:
    """XPath look-ups under fixed prefixes; a missing required value is a clear refusal."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces

    def all(self, node: etree._Element, path: str) -> list[etree._Element]:
        return node.xpath(path, namespaces=self.ns)  # type: ignore[no-any-return]

    def text(self, node: etree._Element, path: str) -> str | None:
        found = self.all(node, path)
        if not found:
            return None
        value = found[0] if isinstance(found[0], str) else found[0].text
        return value.strip() if value and value.strip() else None

    def need(self, node: etree._Element, path: str, what: str) -> str:
        value = self.text(node, path)
        if value is None:
            raise InvoiceUnreadable("The invoice has no %(what)s.", what=Words(what))
        return value

    def amount(self, node: etree._Element, path: str, what: str) -> Decimal:
        return decimal_of(self.need(node, path, what), what)

    def amount_or(self, node: etree._Element, path: str, default: Decimal) -> Decimal:
        value = self.text(node, path)
        return default if value is None else decimal_of(value, path)


def decimal_of(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvoiceUnreadable(NOT_A_NUMBER, what=Words(what), text=text[:40]) from None
    if not value.is_finite():
        raise InvoiceUnreadable(NOT_A_NUMBER, what=Words(what), text=text[:40])
    return value


def _unit_price(net_price: Decimal, basis: Decimal | None) -> Decimal:
    """BT-146 for BT-149 units: the price of one unit."""
    if basis is None or basis == 1:
        return net_price
    if basis <= 0:
        raise InvoiceUnreadable("The invoice has a price basis quantity of zero or less.")
    return (net_price / basis).normalize()


def _day(text: str, formats: tuple[str, ...]) -> date:
    for form in formats:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise InvoiceUnreadable("The invoice date is not readable: %(text)r.", text=text[:20])


def read_cii(root: etree._Element) -> SupplierInvoice:
    f = Finder(CII)
    doc = "rsm:ExchangedDocument/"
    trade = "rsm:SupplyChainTradeTransaction/"
    agreement = trade + "ram:ApplicableHeaderTradeAgreement/"
    settlement = trade + "ram:ApplicableHeaderTradeSettlement/"
    sums = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    seller = agreement + "ram:SellerTradeParty/"
    currency = f.need(root, settlement + "ram:InvoiceCurrencyCode", Words("currency (BT-5)"))
    return SupplierInvoice(
        number=f.need(root, doc + "ram:ID", Words("invoice number (BT-1)")),
        type_code=f.need(root, doc + "ram:TypeCode", Words("type code (BT-3)")),
        issued_on=_day(
            f.need(root, doc + "ram:IssueDateTime/udt:DateTimeString", Words("issue date (BT-2)")),
            ("%Y%m%d",),
        ),
        seller=Party(
            f.need(root, seller + "ram:Name", Words("seller name (BT-27)")),
            f.text(root, seller + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        ),
        currency=currency,
        order_reference=f.text(
            root, agreement + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        lines=tuple(
            _cii_line(f, item)
            for item in f.all(root, trade + "ram:IncludedSupplyChainTradeLineItem")
        ),
        vat_breakdown=_cii_vat(f, f.all(root, settlement + "ram:ApplicableTradeTax")),
        net_total=f.amount(root, sums + "ram:TaxBasisTotalAmount", Words("net total (BT-109)")),
        vat_total=_in_currency(f, root, sums + "ram:TaxTotalAmount", currency),
        gross_total=f.amount(root, sums + "ram:GrandTotalAmount", Words("gross total (BT-112)")),
        due_payable=f.amount(root, sums + "ram:DuePayableAmount", Words("amount due (BT-115)")),
        charge_total=f.amount_or(root, sums + "ram:ChargeTotalAmount", ZERO),
        allowance_total=f.amount_or(root, sums + "ram:AllowanceTotalAmount", ZERO),
        syntax="CII",
    )


def _cii_vat(f: Finder, taxes: list[etree._Element]) -> tuple[VatSubtotal, ...]:
    return tuple(
        VatSubtotal(
            rate=f.amount_or(tax, "ram:RateApplicablePercent", ZERO),
            taxable=f.amount(tax, "ram:BasisAmount", Words("VAT taxable amount (BT-116)")),
            vat=f.amount(tax, "ram:CalculatedAmount", Words("VAT amount (BT-117)")),
        )
        for tax in taxes
    )


def _cii_line(f: Finder, item: etree._Element) -> SupplierInvoiceLine:
    price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
    line_settlement = "ram:SpecifiedLineTradeSettlement/"
    basis = f.text(item, price + "ram:BasisQuantity")
    return SupplierInvoiceLine(
        quantity=f.amount(
            item,
            "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
            Words("invoiced quantity (BT-129)"),
        ),
        unit_price=_unit_price(
            f.amount(item, price + "ram:ChargeAmount", Words("net price (BT-146)")),
            None if basis is None else decimal_of(basis, Words("price basis quantity (BT-149)")),
        ),
        net_amount=f.amount(
            item,
            line_settlement
            + "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            Words("line net amount (BT-131)"),
        ),
        vat_rate=f.amount_or(
            item, line_settlement + "ram:ApplicableTradeTax/ram:RateApplicablePercent", ZERO
        ),
        sku=f.text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
        order_reference=f.text(
            item,
            "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
        ),
    )


def _in_currency(f: Finder, root: etree._Element, path: str, currency: str) -> Decimal:
    """BT-110: of the VAT totals (BT-111 may be in the accounting currency too), the one
    in the invoice's currency; none at all is no VAT (category O, not subject to VAT)."""
    found = f.all(root, path)
    if not found:
        return ZERO
    for node in found:
        if node.get("currencyID") in (None, currency):
            return decimal_of((node.text or "").strip(), Words("VAT total (BT-110)"))
    raise InvoiceUnreadable("The invoice has no VAT total (BT-110) in its currency.")


def read_ubl(root: etree._Element) -> SupplierInvoice:
    f = Finder(UBL)
    credit = etree.QName(root).localname == "CreditNote"
    party = "cac:AccountingSupplierParty/cac:Party/"
    sums = "cac:LegalMonetaryTotal/"
    currency = f.need(root, "cbc:DocumentCurrencyCode", Words("currency (BT-5)"))
    name = f.text(root, party + "cac:PartyLegalEntity/cbc:RegistrationName") or f.need(
        root, party + "cac:PartyName/cbc:Name", Words("seller name (BT-27)")
    )
    lines = f.all(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    return SupplierInvoice(
        number=f.need(root, "cbc:ID", Words("invoice number (BT-1)")),
        type_code=f.need(
            root,
            "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
            Words("type code (BT-3)"),
        ),
        issued_on=_day(f.need(root, "cbc:IssueDate", Words("issue date (BT-2)")), ("%Y-%m-%d",)),
        seller=Party(
            name,
            f.text(root, party + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        ),
        currency=currency,
        order_reference=f.text(root, "cac:OrderReference/cbc:ID"),
        lines=tuple(_ubl_line(f, line, credit) for line in lines),
        vat_breakdown=_ubl_vat(
            f, f.all(root, f"cac:TaxTotal[cbc:TaxAmount/@currencyID='{currency}']/cac:TaxSubtotal")
        ),
        net_total=f.amount(root, sums + "cbc:TaxExclusiveAmount", Words("net total (BT-109)")),
        vat_total=_in_currency(f, root, "cac:TaxTotal/cbc:TaxAmount", currency),
        gross_total=f.amount(root, sums + "cbc:TaxInclusiveAmount", Words("gross total (BT-112)")),
        due_payable=f.amount(root, sums + "cbc:PayableAmount", Words("amount due (BT-115)")),
        charge_total=f.amount_or(root, sums + "cbc:ChargeTotalAmount", ZERO),
        allowance_total=f.amount_or(root, sums + "cbc:AllowanceTotalAmount", ZERO),
        syntax="UBL",
    )


def _ubl_vat(f: Finder, subtotals: list[etree._Element]) -> tuple[VatSubtotal, ...]:
    return tuple(
        VatSubtotal(
            rate=f.amount_or(sub, "cac:TaxCategory/cbc:Percent", ZERO),
            taxable=f.amount(sub, "cbc:TaxableAmount", Words("VAT taxable amount (BT-116)")),
            vat=f.amount(sub, "cbc:TaxAmount", Words("VAT amount (BT-117)")),
        )
        for sub in subtotals
    )


def _ubl_line(f: Finder, line: etree._Element, credit: bool) -> SupplierInvoiceLine:
    basis = f.text(line, "cac:Price/cbc:BaseQuantity")
    return SupplierInvoiceLine(
        quantity=f.amount(
            line,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            Words("invoiced quantity (BT-129)"),
        ),
        unit_price=_unit_price(
            f.amount(line, "cac:Price/cbc:PriceAmount", Words("net price (BT-146)")),
            None if basis is None else decimal_of(basis, Words("price basis quantity (BT-149)")),
        ),
        net_amount=f.amount(line, "cbc:LineExtensionAmount", Words("line net amount (BT-131)")),
        vat_rate=f.amount_or(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", ZERO),
        sku=f.text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        order_reference=f.text(line, "cac:OrderLineReference/cac:OrderReference/cbc:ID"),
    )
