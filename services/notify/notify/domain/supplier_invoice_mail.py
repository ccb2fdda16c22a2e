"""The e-mail a supplier gets when the cooperative disputes one of its invoices (rule 14):
why, and each difference found against its orders. Suppliers read German first, English
below, as in the order mails' subject lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notify.domain.mail import Mail

FIELDS = {
    "quantity": "Menge (geliefert) / quantity (received)",
    "unit_price": "Einzelpreis (bestätigt) / unit price (confirmed)",
    "vat_rate": "Steuersatz / VAT rate",
    "net_amount": "Nettobetrag / net amount",
}
TOTALS = {
    "fee": "Versandkosten / shipping fee",
    "net_total": "Nettosumme / net total",
    "vat_total": "Umsatzsteuer / VAT total",
    "gross_total": "Bruttosumme / gross total",
}


def difference_text(field: str) -> str:
    parts = field.split(":")
    if parts[0] == "line" and len(parts) == 2:
        return f"{parts[1]}: nicht bestellt / not ordered"
    if parts[0] == "line" and parts[-1] in FIELDS:
        return f"{':'.join(parts[1:-1])}: {FIELDS[parts[-1]]}"
    return TOTALS.get(field, field)


def dispute_mail(
    supplier_name: str | None, dispute: Mapping[str, Any], invoices_url: str | None = None
) -> Mail:
    """The e-mail of one dispute; an invoice disputed again (``dispute_number`` 2 and on,
    after the office reopened it) says so in its subject and first sentence."""
    number = dispute["number"]
    nth = dispute.get("dispute_number", 1)
    orders = ", ".join(str(o) for o in dispute["order_ids"]) or "-"
    lines = [
        f"Guten Tag{' ' + supplier_name if supplier_name else ''},",
        "",
        f"wir beanstanden Ihre Rechnung {number} vom {dispute['issued_on']:%d.%m.%Y}"
        f" (Bestellung {orders}){_again(nth)}. / We dispute your invoice {number}"
        f" (order {orders}){_again(nth, english=True)}.",
        "",
        f"Grund / reason: {dispute['reason']}",
    ]
    if dispute["differences"]:
        lines += ["", "Abweichungen / differences (erwartet / expected — berechnet / invoiced):"]
        lines += [
            f"  - {difference_text(d['field'])}: {d['expected'] or '-'} — {d['found'] or '-'}"
            for d in dispute["differences"]
        ]
    lines += [
        "",
        "Bitte senden Sie eine berichtigte Rechnung. / Please send a corrected invoice.",
    ]
    if invoices_url:
        lines += ["", f"Ihre Rechnungen im Lieferantenportal / your invoices: {invoices_url}"]
    lines += ["", "Zirkel"]
    if nth > 1:
        subject = (
            f"Rechnung {number} erneut beanstandet ({nth}. Beanstandung)"
            f" / invoice {number} disputed again (dispute {nth})"
        )
    else:
        subject = f"Rechnung {number} beanstandet / invoice {number} disputed"
    return Mail(subject[:200], "\n".join(lines) + "\n")


def _again(nth: int, english: bool = False) -> str:
    if nth < 2:
        return ""
    return f" again (dispute {nth})" if english else f" erneut ({nth}. Beanstandung)"
