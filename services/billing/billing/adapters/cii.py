"""An invoice as UN/CEFACT Cross Industry Invoice XML, profile EN 16931 (the XML of
ZUGFeRD / Factur-X), written with lxml in the order the schema asks for.

Amounts are positive on a credit note too (type 381: its type says it is a credit).
Rates 19 and 7 are VAT category S (standard rated, with its rate), 0 is Z (zero rated).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

from billing.adapters import texts
from billing.domain.model import Buyer, Invoice, InvoiceLine, Kind, Seller

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
# Only the document's own elements declare the prefixes; the others take them from there
# when they are put in (half the time of declaring them on each of its ~110 elements).
RSM = ElementMaker(namespace=NS["rsm"], nsmap=NS)
RAM = ElementMaker(namespace=NS["ram"])
UDT = ElementMaker(namespace=NS["udt"])
QDT = ElementMaker(namespace=NS["qdt"])
EN16931 = "urn:cen.eu:en16931:2017"
CURRENCY = "EUR"
SEPA_CREDIT_TRANSFER = "58"

# UN/ECE recommendation 20 codes for the units members write; anything else is a piece.
UNIT_CODES = {
    "kg": "KGM",
    "g": "GRM",
    "t": "TNE",
    "l": "LTR",
    "ml": "MLT",
    "m": "MTR",
    "m2": "MTK",
    "m²": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
}
PIECE = "C62"


def unit_code(unit: str) -> str:
    return UNIT_CODES.get(unit.strip().lower(), PIECE)


def amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def plain(value: Decimal) -> str:
    """A quantity, rate or unit price with the places it has, no exponent."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def category(rate: Decimal) -> str:
    return "S" if rate > 0 else "Z"


def due_on(invoice: Invoice) -> date:
    return invoice.issued_on + timedelta(days=texts.PAYMENT_DAYS)


def cii_xml(invoice: Invoice) -> bytes:
    language = texts.language_of(invoice)
    document = RSM.CrossIndustryInvoice(
        RSM.ExchangedDocumentContext(
            RAM.GuidelineSpecifiedDocumentContextParameter(RAM.ID(EN16931))
        ),
        RSM.ExchangedDocument(
            RAM.ID(invoice.number),
            RAM.TypeCode(invoice.kind.type_code),
            RAM.IssueDateTime(_day(invoice.issued_on)),
            *[RAM.IncludedNote(RAM.Content(note)) for note in texts.notes(invoice, language)],
            RAM.IncludedNote(RAM.Content(invoice.seller.register), RAM.SubjectCode("REG")),
        ),
        RSM.SupplyChainTradeTransaction(
            *[_line(line, language) for line in invoice.lines],
            RAM.ApplicableHeaderTradeAgreement(
                RAM.BuyerReference(str(invoice.member_id)),
                _seller(invoice.seller),
                _buyer(invoice.buyer),
            ),
            RAM.ApplicableHeaderTradeDelivery(*_delivery(invoice)),
            _settlement(invoice, language),
        ),
    )
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _day(value: date) -> etree._Element:
    return UDT.DateTimeString(value.strftime("%Y%m%d"), format="102")


def _line(line: InvoiceLine, language: str) -> etree._Element:
    product = [RAM.Name(texts.description(line, language))]
    if line.sku:
        product.insert(0, RAM.SellerAssignedID(line.sku))
    return RAM.IncludedSupplyChainTradeLineItem(
        RAM.AssociatedDocumentLineDocument(RAM.LineID(str(line.position))),
        RAM.SpecifiedTradeProduct(*product),
        RAM.SpecifiedLineTradeAgreement(
            RAM.NetPriceProductTradePrice(RAM.ChargeAmount(plain(line.unit_price)))
        ),
        RAM.SpecifiedLineTradeDelivery(
            RAM.BilledQuantity(plain(line.quantity), unitCode=unit_code(line.unit))
        ),
        RAM.SpecifiedLineTradeSettlement(
            RAM.ApplicableTradeTax(
                RAM.TypeCode("VAT"),
                RAM.CategoryCode(category(line.vat_rate)),
                RAM.RateApplicablePercent(plain(line.vat_rate)),
            ),
            RAM.SpecifiedTradeSettlementLineMonetarySummation(
                RAM.LineTotalAmount(amount(line.net_amount))
            ),
        ),
    )


def _address(
    postcode: str | None, street: str | None, city: str | None, country: str
) -> etree._Element:
    parts = []
    if postcode:
        parts.append(RAM.PostcodeCode(postcode))
    if street:
        parts.append(RAM.LineOne(street))
    if city:
        parts.append(RAM.CityName(city))
    parts.append(RAM.CountryID(country))
    return RAM.PostalTradeAddress(*parts)


def _seller(seller: Seller) -> etree._Element:
    return RAM.SellerTradeParty(
        RAM.Name(seller.legal_name),
        RAM.Description(seller.register),
        RAM.DefinedTradeContact(
            RAM.PersonName(seller.contact),
            RAM.TelephoneUniversalCommunication(RAM.CompleteNumber(seller.phone)),
            RAM.EmailURIUniversalCommunication(RAM.URIID(seller.email)),
        ),
        _address(seller.postcode, seller.street, seller.city, seller.country),
        RAM.URIUniversalCommunication(RAM.URIID(seller.email, schemeID="EM")),
        RAM.SpecifiedTaxRegistration(RAM.ID(seller.vat_id, schemeID="VA")),
        RAM.SpecifiedTaxRegistration(RAM.ID(seller.tax_number, schemeID="FC")),
    )


def _buyer(buyer: Buyer) -> etree._Element:
    parts = [RAM.Name(buyer.invoice_name)]
    parts.append(_address(buyer.postcode, buyer.street, buyer.city, buyer.country))
    if buyer.email:
        parts.append(RAM.URIUniversalCommunication(RAM.URIID(buyer.email, schemeID="EM")))
    if buyer.vat_id:
        parts.append(RAM.SpecifiedTaxRegistration(RAM.ID(buyer.vat_id, schemeID="VA")))
    return RAM.BuyerTradeParty(*parts)


def _delivery(invoice: Invoice) -> list[etree._Element]:
    if invoice.delivered_on is None:
        return []
    when = RAM.OccurrenceDateTime(_day(invoice.delivered_on))
    return [RAM.ActualDeliverySupplyChainEvent(when)]


def _settlement(invoice: Invoice, language: str) -> etree._Element:
    seller, charges = invoice.seller, invoice.charges
    parts = [RAM.PaymentReference(invoice.number), RAM.InvoiceCurrencyCode(CURRENCY)]
    if invoice.kind is Kind.INVOICE:
        parts.append(
            RAM.SpecifiedTradeSettlementPaymentMeans(
                RAM.TypeCode(SEPA_CREDIT_TRANSFER),
                RAM.PayeePartyCreditorFinancialAccount(RAM.IBANID(seller.iban)),
                RAM.PayeeSpecifiedCreditorFinancialInstitution(RAM.BICID(seller.bic)),
            )
        )
    for vat in charges.vat_breakdown:
        parts.append(
            RAM.ApplicableTradeTax(
                RAM.CalculatedAmount(amount(vat.vat)),
                RAM.TypeCode("VAT"),
                RAM.BasisAmount(amount(vat.taxable)),
                RAM.CategoryCode(category(vat.rate)),
                RAM.RateApplicablePercent(plain(vat.rate)),
            )
        )
    terms = [RAM.Description(texts.payment_terms(invoice, language, due_on(invoice)))]
    if invoice.kind is Kind.INVOICE:
        terms.append(RAM.DueDateDateTime(_day(due_on(invoice))))
    parts.append(RAM.SpecifiedTradePaymentTerms(*terms))
    parts.append(
        RAM.SpecifiedTradeSettlementHeaderMonetarySummation(
            RAM.LineTotalAmount(amount(charges.net_total)),
            RAM.TaxBasisTotalAmount(amount(charges.net_total)),
            RAM.TaxTotalAmount(amount(charges.vat_total), currencyID=CURRENCY),
            RAM.GrandTotalAmount(amount(charges.gross_total)),
            RAM.DuePayableAmount(amount(charges.gross_total)),
        )
    )
    if invoice.corrects is not None:
        parts.append(
            RAM.InvoiceReferencedDocument(
                RAM.IssuerAssignedID(invoice.corrects.number),
                RAM.FormattedIssueDateTime(
                    QDT.DateTimeString(invoice.corrects.issued_on.strftime("%Y%m%d"), format="102")
                ),
            )
        )
    return RAM.ApplicableHeaderTradeSettlement(*parts)
