"""Notify's repositories of savings: the ledger (a member's figures per window), the
lines of the reports, the nudges told, and the invoices billing announced. Rows are the
mapped classes of ``orm``, ``orm_savings`` and ``orm_invoices``."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from notify.adapters.orm import SavingsEntry
from notify.adapters.orm_invoices import InvoiceEntry
from notify.adapters.orm_savings import Nudge, SavingsLine


class SqlSavingsLedger:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int, window_id: int) -> SavingsEntry | None:
        return self.session.get(SavingsEntry, (member_id, window_id))

    def add(self, entry: SavingsEntry) -> None:
        self.session.add(entry)

    def between(self, member_id: int, start: datetime, until: datetime) -> list[SavingsEntry]:
        """The member's windows recorded from ``start`` up to and including ``until``."""
        query = select(SavingsEntry).where(
            SavingsEntry.member_id == member_id,
            SavingsEntry.recorded_at >= start,
            SavingsEntry.recorded_at <= until,
        )
        return list(self.session.scalars(query))


class SqlSavingsLines:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, line: SavingsLine) -> None:
        self.session.add(line)

    def of_window(self, member_id: int, window_id: int) -> list[SavingsLine]:
        """The member's lines of the window, by order and need."""
        query = (
            select(SavingsLine)
            .where(SavingsLine.member_id == member_id, SavingsLine.window_id == window_id)
            .order_by(SavingsLine.order_id, SavingsLine.need_id)
        )
        return list(self.session.scalars(query))

    def of_order(self, order_id: int) -> list[SavingsLine]:
        return list(
            self.session.scalars(select(SavingsLine).where(SavingsLine.order_id == order_id))
        )

    def remove(self, order_id: int, need_ids: Collection[int] | None = None) -> None:
        """The order's lines (only those of ``need_ids``, if given) leave the reports."""
        query = delete(SavingsLine).where(SavingsLine.order_id == order_id)
        if need_ids is not None:
            query = query.where(SavingsLine.need_id.in_(need_ids))
        self.session.execute(query)

    def buyers(self, sku: str) -> set[int]:
        """The members who were ever allocated the product."""
        return set(
            self.session.scalars(select(SavingsLine.member_id).where(SavingsLine.sku == sku))
        )

    def members_of(self, order_id: int) -> set[int]:
        query = select(SavingsLine.member_id).where(SavingsLine.order_id == order_id)
        return set(self.session.scalars(query))


class SqlNudges:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, nudge: Nudge) -> None:
        self.session.add(nudge)

    def nudged(self, window_id: int, sku: str) -> set[int]:
        """The members told of the product's next tier in the window already."""
        query = select(Nudge.member_id).where(Nudge.window_id == window_id, Nudge.sku == sku)
        return set(self.session.scalars(query))


class SqlInvoices:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, invoice_id: int) -> InvoiceEntry | None:
        return self.session.get(InvoiceEntry, invoice_id)

    def add(self, invoice: InvoiceEntry) -> None:
        self.session.add(invoice)
