"""What an invoice says in German (the default) and in English, and euros, quantities
and days as each language writes them (Babel)."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from billing.domain.model import Invoice, InvoiceLine, Kind, LineKind

LOCALES = {"de": "de_DE", "en": "en_GB"}

TEXTS = {
    "de": {
        Kind.INVOICE: "Rechnung",
        Kind.CREDIT_NOTE: "Gutschrift",
        "number": "Nummer",
        "issued_on": "Datum",
        "member": "Mitgliedsnummer",
        "window": "Runde",
        "delivered_on": "Lieferdatum",
        "position": "Pos.",
        "description": "Bezeichnung",
        "quantity": "Menge",
        "unit_price": "Einzelpreis netto",
        "net_amount": "Betrag netto",
        "vat_rate": "USt.",
        "fee_share": "Anteil an den Versandkosten",
        "net_total": "Summe netto",
        "vat": "Umsatzsteuer {rate} % auf {taxable}",
        "gross_total": "Gesamtbetrag",
        "savings": (
            "Ihre Ersparnis durch den gemeinsamen Einkauf in Runde {window}: {saved} "
            "gegenüber dem Einkauf allein (netto)."
        ),
        "corrects": "Diese Gutschrift storniert die Rechnung {number} vom {day} vollständig.",
        "pay_until": "Zahlbar ohne Abzug bis {day} auf das Konto IBAN {iban}, BIC {bic}.",
        "credit_terms": "Der Betrag wird Ihrem Mitgliedskonto gutgeschrieben.",
        "vat_id": "USt-IdNr.",
        "tax_number": "Steuernummer",
        "contact": "Kontakt",
        "your_vat_id": "Ihre USt-IdNr.",
    },
    "en": {
        Kind.INVOICE: "Invoice",
        Kind.CREDIT_NOTE: "Credit note",
        "number": "Number",
        "issued_on": "Date",
        "member": "Member number",
        "window": "Round",
        "delivered_on": "Delivery date",
        "position": "No.",
        "description": "Description",
        "quantity": "Quantity",
        "unit_price": "Net unit price",
        "net_amount": "Net amount",
        "vat_rate": "VAT",
        "fee_share": "Share of the shipping fee",
        "net_total": "Total net",
        "vat": "VAT {rate} % on {taxable}",
        "gross_total": "Total",
        "savings": (
            "What buying together in round {window} saved you: {saved} against buying alone (net)."
        ),
        "corrects": "This credit note cancels invoice {number} of {day} in full.",
        "pay_until": "Payable without deduction by {day} to IBAN {iban}, BIC {bic}.",
        "credit_terms": "The amount is credited to your member account.",
        "vat_id": "VAT ID",
        "tax_number": "Tax number",
        "contact": "Contact",
        "your_vat_id": "Your VAT ID",
    },
}


@functools.cache
def locale_of(language: str) -> Locale:
    """Babel's locale of the language, read once (each formatting would parse it again)."""
    return Locale.parse(LOCALES[language])


PAYMENT_DAYS = 14  # an invoice is due this many days after its issue


def language_of(invoice: Invoice) -> str:
    return invoice.language if invoice.language in TEXTS else "de"


def text(language: str, key: object, **values: object) -> str:
    return str(TEXTS[language][key]).format(**values)  # type: ignore[index]


def euro(amount: Decimal, language: str) -> str:
    return format_currency(amount, "EUR", locale=locale_of(language))


def number(value: Decimal, language: str) -> str:
    """A quantity, a rate or a unit price as the language writes it, all its places."""
    places = max(0, -int(value.normalize().as_tuple().exponent))
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale_of(language))


def unit_price(value: Decimal, language: str) -> str:
    places = min(4, max(2, -int(value.normalize().as_tuple().exponent)))
    return format_currency(
        value.quantize(Decimal(1).scaleb(-places)),
        "EUR",
        format=("#,##0." + "0" * places + "\xa0¤")
        if language == "de"
        else ("¤#,##0." + "0" * places),
        locale=locale_of(language),
        currency_digits=False,
    )


def day(value: date, language: str) -> str:
    return format_date(
        value, format="medium" if language == "en" else "dd.MM.yyyy", locale=locale_of(language)
    )


def description(line: InvoiceLine, language: str) -> str:
    if line.kind is LineKind.FEE_SHARE:
        return text(language, "fee_share")
    return line.description


def notes(invoice: Invoice, language: str) -> list[str]:
    """The invoice's notes (BT-22): the savings, and what a credit note takes back."""
    found = []
    if invoice.corrects is not None:
        ref = invoice.corrects
        found.append(
            text(language, "corrects", number=ref.number, day=day(ref.issued_on, language))
        )
    if invoice.savings is not None and invoice.kind is Kind.INVOICE:
        found.append(
            text(
                language, "savings", window=invoice.window_id, saved=euro(invoice.savings, language)
            )
        )
    return found


def payment_terms(invoice: Invoice, language: str, due_on: date) -> str:
    if invoice.kind is Kind.CREDIT_NOTE:
        return text(language, "credit_terms")
    seller = invoice.seller
    return text(language, "pay_until", day=day(due_on, language), iban=seller.iban, bic=seller.bic)
