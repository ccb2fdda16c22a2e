"""A member's account (rule 15): its invoices debit it, its credit notes and payments
credit it; the balance on a day is what the member owes on that day (negative: what the
cooperative owes it). Plain values, money as ``Decimal``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.domain.model import ZERO


class EntryKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"

    @property
    def debits(self) -> bool:
        return self is EntryKind.INVOICE


@dataclass(frozen=True)
class Entry:
    """One booking on a member's account: ``amount`` is the document's gross total or the
    payment, always positive; its kind says on which side it stands."""

    member_id: int
    booked_on: date
    kind: EntryKind
    reference: str
    amount: Decimal

    @property
    def debit(self) -> Decimal:
        return self.amount if self.kind.debits else ZERO

    @property
    def credit(self) -> Decimal:
        return ZERO if self.kind.debits else self.amount

    @property
    def signed(self) -> Decimal:
        return self.debit - self.credit


@dataclass(frozen=True)
class Line:
    """An entry with the account's balance after it."""

    entry: Entry
    balance: Decimal


def in_order(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by day; on one day documents before payments, then by reference."""
    return sorted(entries, key=lambda e: (e.booked_on, e.kind is EntryKind.PAYMENT, e.reference))


def balance(entries: Iterable[Entry], on: date | None = None) -> Decimal:
    """What the member owes at the end of ``on`` (every entry when ``on`` is None)."""
    return sum((e.signed for e in entries if on is None or e.booked_on <= on), ZERO)


def statement(entries: Iterable[Entry], on: date | None = None) -> list[Line]:
    """The account's entries up to ``on``, each with the running balance."""
    lines, running = [], ZERO
    for entry in in_order(e for e in entries if on is None or e.booked_on <= on):
        running += entry.signed
        lines.append(Line(entry, running))
    return lines


def due_by(entries: Iterable[Entry], end: date) -> Decimal:
    """What a settlement run for a period ending on ``end`` collects: the invoices issued
    up to ``end`` less every credit note and payment booked (whenever: a collection is
    booked on its collection day, after the period, and a credit note issued since is owed
    to the member already), never below zero. What was left open before the period is due
    as well; what a run collected is a payment, so no later run collects it again,
    whatever its period."""
    entries = list(entries)
    invoices = [e for e in entries if e.kind is EntryKind.INVOICE and e.booked_on <= end]
    owed_back = [e for e in entries if e.kind is not EntryKind.INVOICE]
    return max(ZERO, balance(invoices) + balance(owed_back))
