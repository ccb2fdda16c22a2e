"""Notify's record of the members' invoices and credit notes, from billing's
``billing.invoice.issued``: what the invoice e-mail says and what the statements add up
beside the savings. Billing owns the invoices; notify keeps only their figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from notify.adapters.orm import Base
from shared.db import Money, UtcDateTime, utcnow


class InvoiceEntry(Base):
    """One issued invoice or credit note (``kind``), as billing announced it."""

    __tablename__ = "invoices"

    invoice_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    window_id: Mapped[int] = mapped_column(Integer, index=True)
    issued_on: Mapped[date] = mapped_column(Date())
    net_total: Mapped[Decimal] = mapped_column(Money())
    vat_total: Mapped[Decimal] = mapped_column(Money())
    gross_total: Mapped[Decimal] = mapped_column(Money())
    language: Mapped[str] = mapped_column(String(5), default="de")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
