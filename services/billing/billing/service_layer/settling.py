"""The office's use cases on the members' accounts: book a payment by hand, and run a
settlement for a period (rule 15): collect each mandated member's open balance of the
period by direct debit, pay each payable supplier invoice on its Skonto date less the
discount. A run takes only what no earlier run took: each collection is booked as a
payment on the member's account, each paid supplier invoice recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain import settlement as s
from billing.domain.model import ZERO
from billing.service_layer.unit_of_work import Payment, SettlementFigures, UnitOfWork
from shared.errors import Invalid, NotFound


@dataclass(frozen=True)
class BookPayment:
    member_id: int
    booked_on: date
    amount: Decimal
    reference: str


@dataclass(frozen=True)
class RunSettlement:
    period: s.Period


@dataclass(frozen=True)
class SepaFiles:
    """What makes the two files (``adapters.sepa`` with the cooperative as creditor), and
    today's date in the cooperative's time zone."""

    direct_debits: Callable[[int, Sequence[s.Collection], date], bytes]
    credit_transfers: Callable[[int, Sequence[s.Transfer]], bytes]
    today: Callable[[], date]


@dataclass(frozen=True)
class SettlementRun:
    id: int
    figures: SettlementFigures
    collections: tuple[s.Collection, ...]
    transfers: tuple[s.Transfer, ...]


def book_payment(cmd: BookPayment, uow: UnitOfWork) -> int:
    """A member's payment the office received (a transfer, cash): it credits the account."""
    if uow.members.get(cmd.member_id) is None:
        raise NotFound("member_id", f"Billing knows no member {cmd.member_id}.")
    if cmd.amount <= ZERO:
        raise Invalid("amount", "A payment is more than 0.00.")
    return uow.accounts.book(Payment(cmd.member_id, cmd.booked_on, cmd.amount, cmd.reference))


def run_settlement(cmd: RunSettlement, uow: UnitOfWork, files: SepaFiles) -> SettlementRun:
    """One run, one transaction: what it collects is booked as the members' payments in
    the same transaction, so a second run (even of an overlapping period) finds it paid."""
    uow.settlements.lock()
    today = files.today()
    mandates = uow.mandates.all()
    accounts = uow.accounts.entries({m.member_id for m in mandates})
    collections = s.collections(cmd.period, mandates, accounts, uow.accounts.collected_mandates())
    payable = uow.supplier_invoices.payable(cmd.period.end)
    transfers = s.transfers(cmd.period, payable, uow.settlements.paid_supplier_invoices(), today)
    figures = SettlementFigures(
        period_start=cmd.period.start,
        period_end=cmd.period.end,
        run_on=today,
        collect_on=s.collection_day(today),
        collected=sum((c.amount for c in collections), ZERO),
        paid=sum((t.amount for t in transfers), ZERO),
        skonto=sum((t.skonto for t in transfers), ZERO),
    )
    settlement_id = uow.settlements.add(figures)
    debits = (
        files.direct_debits(settlement_id, collections, figures.collect_on) if collections else None
    )
    credits = files.credit_transfers(settlement_id, transfers) if transfers else None
    uow.settlements.attach_files(settlement_id, debits, credits)
    for collection in collections:
        uow.accounts.book(_payment_of(collection, settlement_id, figures.collect_on))
    uow.settlements.record_transfers(settlement_id, transfers)
    return SettlementRun(settlement_id, figures, tuple(collections), tuple(transfers))


def _payment_of(collection: s.Collection, settlement_id: int, collect_on: date) -> Payment:
    mandate = collection.mandate
    return Payment(
        member_id=mandate.member_id,
        booked_on=collect_on,
        amount=collection.amount,
        reference=f"SEPA {settlement_id} {mandate.reference}",
        settlement_id=settlement_id,
        mandate_reference=mandate.reference,
    )
