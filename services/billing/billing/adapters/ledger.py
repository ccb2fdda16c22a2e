"""The members' accounts, their mandates and the settlement runs on a SQLAlchemy session
(``service_layer.unit_of_work``), and what the office reads of them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from billing.adapters.orm import (
    CollectionRow,
    InvoiceRow,
    MandateRow,
    MemberRow,
    PaymentRow,
    SettlementRow,
    TransferRow,
)
from billing.domain.accounts import Entry, EntryKind
from billing.domain.model import ZERO
from billing.domain.settlement import Collection, Mandate, Taken, Transfer
from billing.domain.settlement_runs import RunState
from billing.service_layer.unit_of_work import (
    Collected,
    Payment,
    SettlementFigures,
    StoredRun,
)

log = logging.getLogger(__name__)

SETTLEMENT_LOCK = 0x5E9A  # PostgreSQL's advisory lock of the settlement runs


class SqlMandates:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, member_id: int, mandate: Mandate | None) -> None:
        row = self.session.get(MandateRow, member_id)
        if mandate is None:
            if row is not None:
                self.session.delete(row)
            return
        self.session.merge(
            MandateRow(
                member_id=member_id,
                iban=mandate.iban,
                reference=mandate.reference,
                signed_on=mandate.signed_on,
            )
        )

    def all(self) -> list[Mandate]:
        found = self.session.execute(
            select(MandateRow, MemberRow.name, MemberRow.legal_name)
            .join(MemberRow, MemberRow.member_id == MandateRow.member_id)
            .order_by(MandateRow.member_id)
        ).all()
        return [
            Mandate(row.member_id, legal or name, row.iban, row.reference, row.signed_on)
            for row, name, legal in found
        ]


def entries_of(session: Session, member_ids: set[int] | None) -> dict[int, list[Entry]]:
    """The accounts' entries (every member's when ``member_ids`` is None)."""
    documents = select(
        InvoiceRow.member_id,
        InvoiceRow.issued_on,
        InvoiceRow.kind,
        InvoiceRow.number,
        InvoiceRow.gross_total,
    )
    payments = select(
        PaymentRow.member_id,
        PaymentRow.booked_on,
        PaymentRow.reference,
        PaymentRow.amount,
    )
    if member_ids is not None:
        documents = documents.where(InvoiceRow.member_id.in_(sorted(member_ids)))
        payments = payments.where(PaymentRow.member_id.in_(sorted(member_ids)))
    found: dict[int, list[Entry]] = {m: [] for m in member_ids or ()}
    for member_id, day, kind, number, gross in session.execute(documents):
        entry = Entry(member_id, day, EntryKind(kind), number, gross)
        found.setdefault(member_id, []).append(entry)
    for member_id, day, reference, amount in session.execute(payments):
        entry = Entry(member_id, day, EntryKind.PAYMENT, reference, amount)
        found.setdefault(member_id, []).append(entry)
    return found


class SqlAccounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def entries(self, member_ids: set[int]) -> dict[int, list[Entry]]:
        return entries_of(self.session, member_ids)

    def book(self, payment: Payment) -> int:
        row = PaymentRow(**vars(payment))
        self.session.add(row)
        self.session.flush()
        return row.id


class SqlSettlements:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self) -> None:
        """PostgreSQL: an advisory lock until the transaction ends; SQLite's writers take
        the whole file at BEGIN."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETTLEMENT_LOCK}
            )

    def add(self, figures: SettlementFigures) -> int:
        row = SettlementRow(**vars(figures))
        self.session.add(row)
        self.session.flush()
        return row.id

    def attach_files(
        self, settlement_id: int, debits: bytes | None, transfers: bytes | None
    ) -> None:
        row = self.session.get(SettlementRow, settlement_id)
        assert row is not None
        row.direct_debits, row.credit_transfers = debits, transfers

    def record(
        self,
        settlement_id: int,
        collections: Sequence[Collection],
        transfers: Sequence[Transfer],
    ) -> None:
        self.session.add_all(
            CollectionRow(
                settlement_id=settlement_id,
                member_id=c.mandate.member_id,
                mandate_reference=c.mandate.reference,
                amount=c.amount,
                first=c.first,
            )
            for c in collections
        )
        self.session.add_all(
            TransferRow(
                supplier_invoice_id=t.invoice.supplier_invoice_id,
                settlement_id=settlement_id,
                supplier_id=t.invoice.supplier_id,
                number=t.invoice.number,
                execute_on=t.execute_on,
                amount=t.amount,
                skonto=t.skonto,
            )
            for t in transfers
        )
        self.session.flush()

    def taken(self) -> Taken:
        """Summed here, not in SQL: SQLite keeps money as text, and sums text as floats."""
        rows = self.session.execute(
            select(
                CollectionRow.member_id,
                CollectionRow.mandate_reference,
                CollectionRow.amount,
                SettlementRow.state,
            )
            .join(SettlementRow, SettlementRow.id == CollectionRow.settlement_id)
            .where(SettlementRow.state != RunState.CANCELLED.value)
        ).all()
        pending: dict[int, Decimal] = {}
        for member_id, _mandate, amount, state in rows:
            if state == RunState.PENDING.value:
                pending[member_id] = pending.get(member_id, ZERO) + amount
        invoices = (
            select(TransferRow.supplier_invoice_id)
            .join(SettlementRow, SettlementRow.id == TransferRow.settlement_id)
            .where(SettlementRow.state != RunState.CANCELLED.value)
        )
        return Taken(
            pending=pending,
            mandates=frozenset(mandate for _m, mandate, _a, _s in rows),
            supplier_invoices=frozenset(self.session.scalars(invoices)),
        )

    def get(self, settlement_id: int) -> StoredRun | None:
        row = self.session.get(SettlementRow, settlement_id)
        if row is None:
            return None
        query = select(CollectionRow).where(CollectionRow.settlement_id == settlement_id)
        collections = tuple(
            Collected(c.member_id, c.mandate_reference, c.amount)
            for c in self.session.scalars(query.order_by(CollectionRow.member_id))
        )
        return StoredRun(row.id, RunState(row.state), row.collect_on, collections)

    def set_state(self, settlement_id: int, state: RunState, on: date) -> None:
        row = self.session.get(SettlementRow, settlement_id)
        assert row is not None
        row.state = state.value
        if state is RunState.SUBMITTED:
            row.submitted_on = on
        elif state is RunState.CANCELLED:
            row.cancelled_on = on
        self.session.flush()


class SettlementReader:
    """The runs as the office reads them, newest first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, limit: int) -> Sequence[SettlementRow]:
        query = select(SettlementRow).order_by(SettlementRow.id.desc()).limit(limit)
        return self.session.scalars(query).all()

    def get(self, settlement_id: int) -> SettlementRow | None:
        return self.session.get(SettlementRow, settlement_id)

    def collected(self, settlement_id: int) -> Sequence[CollectionRow]:
        query = select(CollectionRow).where(CollectionRow.settlement_id == settlement_id)
        return self.session.scalars(query.order_by(CollectionRow.member_id)).all()

    def transfers(self, settlement_id: int) -> Sequence[TransferRow]:
        query = select(TransferRow).where(TransferRow.settlement_id == settlement_id)
        return self.session.scalars(query.order_by(TransferRow.supplier_invoice_id)).all()

    def file(self, settlement_id: int, form: str) -> bytes | None:
        column = {
            "debits": SettlementRow.direct_debits,
            "transfers": SettlementRow.credit_transfers,
        }
        query = select(column[form]).where(SettlementRow.id == settlement_id)
        return self.session.scalar(query)

    def has_files(self, settlement_id: int) -> dict[str, bool]:
        """Which of its two files the run has, without reading them."""
        query = select(
            SettlementRow.direct_debits.is_not(None), SettlementRow.credit_transfers.is_not(None)
        ).where(SettlementRow.id == settlement_id)
        debits, transfers = self.session.execute(query).one()
        return {"debits": bool(debits), "transfers": bool(transfers)}
