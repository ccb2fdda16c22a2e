"""Billing's tables for suppliers' invoices (rule 14): the suppliers' payment terms and
bank accounts as catalog announces them, each order as the supplier may bill it
(confirmed prices, received quantities, fee), the invoices read with their match and the
office's decision, and which orders each invoice bills."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from billing.adapters.orm import Base
from shared.db import ExactDecimal, Money, UtcDateTime, utcnow


class SupplierRow(Base):
    """A supplier's terms: Skonto (percent within days), net days and its bank account."""

    __tablename__ = "suppliers"

    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    skonto_percent: Mapped[Decimal | None] = mapped_column(
        ExactDecimal(scale=2, min_places=0), nullable=True
    )
    skonto_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    net_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    iban: Mapped[str | None] = mapped_column(String(34), nullable=True)
    bic: Mapped[str | None] = mapped_column(String(11), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class BillableOrderRow(Base):
    """An order as its supplier may bill it: its stage (placed, confirmed, received,
    rejected), the lines at their confirmed prices with the received quantities once
    booked (``[{sku, quantity, unit_price}]``, decimals as strings) and the fee."""

    __tablename__ = "billable_orders"

    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(Integer, default=-1)
    shipping_fee: Mapped[Decimal] = mapped_column(Money())
    lines: Mapped[list[dict[str, str]]] = mapped_column(JSON)


class SupplierInvoiceRow(Base):
    """A supplier's invoice as read (``content``: lines, VAT, totals; the file kept as
    sent), its match and the office's decision (open, accepted, disputed) with a reason;
    ``disputes`` counts the office's disputes of it (the number of the newest)."""

    __tablename__ = "supplier_invoices"
    __table_args__ = (UniqueConstraint("seller_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # who issued it: the uploading supplier, else the seller's VAT id or name (no duplicates)
    seller_key: Mapped[str] = mapped_column(String(220))
    number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    net_total: Mapped[Decimal] = mapped_column(Money())
    vat_total: Mapped[Decimal] = mapped_column(Money())
    gross_total: Mapped[Decimal] = mapped_column(Money())
    due_payable: Mapped[Decimal] = mapped_column(Money())
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    match_status: Mapped[str] = mapped_column(String(12), index=True)
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(10), default="open")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    disputes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    media_type: Mapped[str] = mapped_column(String(40))
    document: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SupplierInvoiceOrderRow(Base):
    """An order a supplier's invoice bills (by the number it names or the office's choice)."""

    __tablename__ = "supplier_invoice_orders"

    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_invoices.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, index=True)
