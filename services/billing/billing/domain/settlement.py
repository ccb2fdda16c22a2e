"""A settlement run for a period (Zentralregulierung, rule 15): whom the cooperative
collects from by SEPA direct debit and how much, and which supplier invoices it pays on
which day, less the early-payment discount (Skonto). Pure: the caller hands in the
accounts, the mandates, the payable supplier invoices and what earlier runs hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from billing.domain import business_days
from billing.domain.accounts import Entry, due_by
from billing.domain.model import ZERO, cents


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")


@dataclass(frozen=True)
class Mandate:
    """A member's SEPA direct-debit mandate, as catalog announced it."""

    member_id: int
    name: str
    iban: str
    reference: str
    signed_on: date


@dataclass(frozen=True)
class Collection:
    """One direct debit: the member's open balance at the period's end, by its mandate.
    ``first`` when the mandate has never been collected by before (sequence FRST)."""

    mandate: Mandate
    amount: Decimal
    first: bool


@dataclass(frozen=True)
class Taken:
    """What the earlier runs the office has not discarded hold, submitted or still
    pending: a pending run's collections are not yet payments on the accounts, but no
    later run may collect them again, nor pay its supplier invoices again.

    ``pending`` is, by member, what runs not yet submitted collect; ``mandates`` the
    mandates any such run (submitted or pending) collects by; ``supplier_invoices`` the
    supplier invoices any of them pays."""

    pending: Mapping[int, Decimal] = field(default_factory=dict)
    mandates: frozenset[str] = frozenset()
    supplier_invoices: frozenset[int] = frozenset()


def collections(
    period: Period,
    mandates: Iterable[Mandate],
    accounts: Mapping[int, list[Entry]],
    taken: Taken,
) -> list[Collection]:
    """Each member with a mandate and an open balance at the period's end less what
    pending runs collect from it, by member id; the first collection by a mandate that no
    run has collected by is ``first``."""
    found = []
    for mandate in sorted(mandates, key=lambda m: m.member_id):
        due = due_by(accounts.get(mandate.member_id, []), period.end)
        due -= taken.pending.get(mandate.member_id, ZERO)
        if due > ZERO:
            found.append(Collection(mandate, due, mandate.reference not in taken.mandates))
    return found


@dataclass(frozen=True)
class PaymentTerms:
    """A supplier's terms: ``skonto_percent`` off when paid within ``skonto_days`` of the
    invoice date, else the whole amount within ``net_days``."""

    skonto_percent: Decimal
    skonto_days: int
    net_days: int


@dataclass(frozen=True)
class PayableSupplierInvoice:
    """A supplier invoice the office may pay (matched, or accepted with a reason), with
    what paying it needs: the supplier's account and terms."""

    supplier_invoice_id: int
    supplier_id: int
    supplier_name: str
    iban: str
    number: str
    issued_on: date
    gross_total: Decimal
    terms: PaymentTerms


@dataclass(frozen=True)
class Transfer:
    """One credit transfer: the invoice's gross total less the Skonto, on ``execute_on``."""

    invoice: PayableSupplierInvoice
    execute_on: date
    amount: Decimal
    skonto: Decimal


def skonto_date(invoice: PayableSupplierInvoice) -> date:
    """The last day the Skonto may be taken: the invoice date plus the Skonto days."""
    return invoice.issued_on + timedelta(days=invoice.terms.skonto_days)


def skonto_payment_day(invoice: PayableSupplierInvoice) -> date:
    """The business day the Skonto is paid on: its last day, or the business day before
    when that is a weekend or a TARGET closing day (earlier, never later)."""
    return business_days.on_or_before(skonto_date(invoice))


def transfer_for(invoice: PayableSupplierInvoice, today: date) -> Transfer:
    """Paid on its Skonto payment day less round_half_up(gross x percent / 100); once that
    day has passed, the whole amount on its net due date (the business day before when
    that is a closing day; today's or the next business day at the earliest)."""
    terms = invoice.terms
    on_skonto = skonto_payment_day(invoice)
    if terms.skonto_percent > 0 and on_skonto >= today:
        skonto = cents(invoice.gross_total * terms.skonto_percent / 100)
        return Transfer(invoice, on_skonto, invoice.gross_total - skonto, skonto)
    net_due = business_days.on_or_before(invoice.issued_on + timedelta(days=terms.net_days))
    execute_on = max(net_due, business_days.on_or_after(today))
    return Transfer(invoice, execute_on, invoice.gross_total, ZERO)


def transfers(
    period: Period,
    payable: Iterable[PayableSupplierInvoice],
    taken: Taken,
    today: date,
) -> list[Transfer]:
    """The payable supplier invoices issued up to the period's end that no earlier run
    pays, submitted or pending (one left over from before the period is paid now, not
    forgotten)."""
    return [
        transfer_for(invoice, today)
        for invoice in sorted(payable, key=lambda i: (i.supplier_id, i.issued_on, i.number))
        if invoice.supplier_invoice_id not in taken.supplier_invoices
        and invoice.issued_on <= period.end
    ]


def collection_day(today: date, lead_days: int = 2) -> date:
    """The earliest day a core direct debit handed in today may be collected: the
    ``lead_days``-th TARGET2 business day after today (weekends and closing days skipped)."""
    return business_days.business_days_after(today, lead_days)
