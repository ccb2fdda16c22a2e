"""The office's use cases on the members' accounts: book a payment by hand, and run a
settlement for a period (rule 15): collect each mandated member's open balance of the
period by direct debit, pay each payable supplier invoice on its Skonto date less the
discount. A run is made pending and takes only what no earlier run (submitted or
pending) took; the office submits it, which books its collections as payments on the
members' accounts, or discards it, which frees what it held for a later run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain import settlement as s
from billing.domain.model import ZERO
from billing.domain.settlement_runs import (
    RunState,
    RunStep,
    StepRefused,
    next_state,
    too_late_to_submit,
)
from billing.service_layer.unit_of_work import (
    Collected,
    Payment,
    SettlementFigures,
    StoredRun,
    UnitOfWork,
)
from shared.errors import Conflict, Invalid, NotFound, Words


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
class SubmitSettlement:
    """The office handed the run's files to the bank."""

    settlement_id: int
    on: date


@dataclass(frozen=True)
class CancelSettlement:
    """The office discards a run it has not submitted."""

    settlement_id: int
    on: date


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
        raise NotFound("member_id", "Billing knows no member %(member)s.", member=cmd.member_id)
    if cmd.amount <= ZERO:
        raise Invalid("amount", "A payment is more than 0.00.")
    return uow.accounts.book(Payment(cmd.member_id, cmd.booked_on, cmd.amount, cmd.reference))


def run_settlement(cmd: RunSettlement, uow: UnitOfWork, files: SepaFiles) -> SettlementRun:
    """One run, one transaction, pending: nothing is booked on the accounts yet, but what
    it collects and pays is kept with it, so a second run (even of an overlapping period)
    before it is submitted does not take it again."""
    uow.settlements.lock()
    today = files.today()
    taken = uow.settlements.taken()
    mandates = uow.mandates.all()
    accounts = uow.accounts.entries({m.member_id for m in mandates})
    collections = s.collections(cmd.period, mandates, accounts, taken)
    payable = uow.supplier_invoices.payable(cmd.period.end)
    transfers = s.transfers(cmd.period, payable, taken, today)
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
    uow.settlements.record(settlement_id, collections, transfers)
    return SettlementRun(settlement_id, figures, tuple(collections), tuple(transfers))


def submit_settlement(cmd: SubmitSettlement, uow: UnitOfWork) -> StoredRun:
    """The run's files are with the bank: each collection is booked as a payment on the
    member's account on the collection day, its credit transfers count as paid. Once: a
    run submitted before is answered as it is, nothing booked again."""
    run, moved = _step(uow, cmd.settlement_id, RunStep.SUBMIT, cmd.on)
    if moved:
        for collection in run.collections:
            uow.accounts.book(_payment_of(collection, run))
    return run


def cancel_settlement(cmd: CancelSettlement, uow: UnitOfWork) -> StoredRun:
    """A pending run is discarded: its files are void, and what it would have collected
    and paid is free for a later run. A run cancelled before is answered as it is."""
    run, _moved = _step(uow, cmd.settlement_id, RunStep.CANCEL, cmd.on)
    return run


def _step(uow: UnitOfWork, settlement_id: int, step: RunStep, on: date) -> tuple[StoredRun, bool]:
    """The run after ``step``, and whether the step moved it (False: taken before)."""
    uow.settlements.lock()
    run = uow.settlements.get(settlement_id)
    if run is None:
        raise NotFound("settlement_id", "There is no settlement %(id)s.", id=settlement_id)
    try:
        state = next_state(run.state, step)
    except StepRefused as refused:
        if refused.state is RunState.SUBMITTED:
            said = Words("Run %(id)s is submitted to the bank; it cannot be discarded.")
        else:
            said = Words("Run %(id)s is discarded; it cannot be submitted.")
        raise Conflict("settlement_id", said, id=settlement_id) from refused
    if state is None:
        return run, False
    if state is RunState.SUBMITTED and too_late_to_submit(on, run.collect_on):
        said = Words(
            "Run %(id)s collects on %(day)s, too late for the bank now; "
            "discard it and make a new run."
        )
        raise Conflict("settlement_id", said, id=settlement_id, day=run.collect_on)
    uow.settlements.set_state(settlement_id, state, on)
    return StoredRun(run.id, state, run.collect_on, run.collections), True


def _payment_of(collection: Collected, run: StoredRun) -> Payment:
    return Payment(
        member_id=collection.member_id,
        booked_on=run.collect_on,
        amount=collection.amount,
        reference=f"SEPA {run.id} {collection.mandate_reference}",
        settlement_id=run.id,
        mandate_reference=collection.mandate_reference,
    )
