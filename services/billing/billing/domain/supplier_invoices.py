"""A supplier's invoice as read from its e-invoice (rule 14), and what the office decides
about it. Plain values, money as ``Decimal``; reading lives in
``adapters.einvoice_reader``, matching in ``domain.invoice_matching``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.domain.model import ZERO
from shared.errors import worded


class InvoiceUnreadable(ValueError):
    """The file is not an invoice Zirkel can read; the message says what is wrong (an
    English template and its values, as ``shared.errors.DomainError`` keeps them)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(worded(message, params))
        self.template, self.params = message, params


@dataclass(frozen=True)
class Party:
    """The seller as the invoice names it (BT-27, BT-31)."""

    name: str
    vat_id: str | None = None


@dataclass(frozen=True)
class SupplierInvoiceLine:
    """One invoice line: quantity (BT-129), net unit price (BT-146 / BT-149), net amount
    (BT-131), VAT rate (BT-152), the seller's article number (BT-155) and the order the
    line names (BT-132), if any."""

    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal
    sku: str | None = None
    order_reference: str | None = None


@dataclass(frozen=True)
class VatSubtotal:
    """One rate of the invoice's VAT breakdown (BT-116, BT-117, BT-119)."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class SupplierInvoice:
    """What was read: number (BT-1), type (BT-3), issue date (BT-2), seller, currency
    (BT-5), the order referenced (BT-13), lines, document charges and allowances (BT-99,
    BT-107), VAT breakdown, net (BT-109), VAT (BT-110), gross (BT-112) and due (BT-115)."""

    number: str
    type_code: str
    issued_on: date
    seller: Party
    currency: str
    order_reference: str | None
    lines: tuple[SupplierInvoiceLine, ...]
    vat_breakdown: tuple[VatSubtotal, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    due_payable: Decimal
    charge_total: Decimal = ZERO
    allowance_total: Decimal = ZERO
    syntax: str = "CII"

    @property
    def fee(self) -> Decimal:
        """Document-level charges less allowances: the shipping fee the supplier asks."""
        return self.charge_total - self.allowance_total

    @property
    def order_references(self) -> tuple[str, ...]:
        """Every order the invoice names, the document's first, then the lines' own."""
        named = [self.order_reference] + [line.order_reference for line in self.lines]
        return tuple(dict.fromkeys(ref for ref in named if ref))


class MatchStatus(StrEnum):
    MATCHED = "matched"
    DIFFERENCES = "differences"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Difference:
    """Where an invoice differs from what was confirmed and received: ``field`` names
    what (``line:SKU:quantity``, ``fee``, ``net_total`` ...), ``expected`` is Zirkel's
    figure, ``found`` the invoice's (either may be None: a line only one side has)."""

    field: str
    expected: str | None
    found: str | None


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    differences: tuple[Difference, ...] = ()
    order_ids: tuple[int, ...] = ()


class Decision(StrEnum):
    """The office's word on an invoice; an undecided one is ``open``."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class StoredSupplierInvoice:
    """An invoice as billing keeps it: what was read, whose it is, its match and the
    office's decision; ``disputes``: how often the office disputed it (once more each
    time it is disputed again after its orders were assigned anew)."""

    id: int
    supplier_id: int | None
    invoice: SupplierInvoice
    match: Match
    decision: Decision = Decision.OPEN
    reason: str | None = None
    order_ids: tuple[int, ...] = field(default=())
    disputes: int = 0

    @property
    def payable(self) -> bool:
        """Rule 14: paid only when it matches (and is not disputed) or was accepted."""
        return is_payable(self.match.status, self.decision)

    @property
    def comparable(self) -> bool:
        """Whether it was compared with orders of a known supplier, so the office can
        accept or dispute what the comparison found."""
        return self.match.status is not MatchStatus.UNMATCHED and self.supplier_id is not None

    @property
    def actions(self) -> tuple[str, ...]:
        """What the office may do to it now: nothing once it is accepted; assign its
        orders anew while it is open or disputed (that reopens it); accept it once it is
        comparable; dispute it while it is open and comparable (a disputed invoice is
        disputed again after its orders are assigned anew)."""
        if self.decision is Decision.ACCEPTED:
            return ()
        actions = ["assign"]
        if self.comparable:
            actions.append("accept")
            if self.decision is Decision.OPEN:
                actions.append("dispute")
        return tuple(actions)


def is_payable(status: MatchStatus, decision: Decision) -> bool:
    if decision is Decision.ACCEPTED:
        return True
    return status is MatchStatus.MATCHED and decision is Decision.OPEN


@dataclass(frozen=True)
class PayableInvoice:
    """A supplier invoice that may be paid (matched, or accepted by the office)."""

    id: int
    supplier_id: int
    number: str
    issued_on: date
    net_total: Decimal
    gross_total: Decimal
    due_payable: Decimal


@dataclass(frozen=True)
class SupplierTerms:
    """A supplier's payment terms and bank account, as catalog announces them: Skonto
    ``skonto_percent`` when paid within ``skonto_days`` of the invoice date, else net
    within ``net_days``."""

    supplier_id: int
    name: str
    email: str | None = None
    skonto_percent: Decimal | None = None
    skonto_days: int | None = None
    net_days: int | None = None
    iban: str | None = None
    bic: str | None = None


_ORDER_NUMBER = re.compile(r"(?:^|\D)(\d{1,9})\s*$")


def order_number(reference: str) -> int | None:
    """The order id an invoice's order reference (BT-13) names: ``17``, ``Bestellung 17``,
    ``ZK-17``; None when it names none."""
    found = _ORDER_NUMBER.search(reference.strip())
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None
