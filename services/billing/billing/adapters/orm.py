"""Billing's tables: what it learnt from the events (members, products, the windows'
orders and needs, members' window results), the invoices with their documents, and the
yearly counter their numbers come from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import ExactDecimal, Money, Price, Quantity, UtcDateTime, utcnow
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


class MemberRow(Base):
    """A member as catalog announced it: whom an invoice is addressed to, in which language."""

    __tablename__ = "members"

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str] = mapped_column(String(2), default="DE")
    vat_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="de")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ProductRow(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal(scale=2, min_places=0))


class WindowRow(Base):
    """One row per pool window: locked while an order event of the window is handled, so
    that two workers never both miss (or both issue) a member's invoice."""

    __tablename__ = "windows"

    window_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class OrderRow(Base):
    __tablename__ = "orders"

    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    window_id: Mapped[int] = mapped_column(Integer, index=True)
    supplier_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    # the receipt's revision billing has (pooling counts from 0); -1: nothing received yet
    revision: Mapped[int] = mapped_column(Integer, default=-1)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class OrderNeedRow(Base):
    """A need in an order: what it asked for and, once received, what it got and costs."""

    __tablename__ = "order_needs"
    __table_args__ = (Index("ix_order_needs_window_member", "window_id", "member_id"),)

    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    need_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    window_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())
    held: Mapped[bool] = mapped_column(Boolean, default=True)
    received: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    goods: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    shipping_share: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)


class DepotPartRow(Base):
    """Part of a need the depot served at a window's close (rule 11), from the lot of an
    earlier order, at book value; ``rest`` is what of the need the close ordered."""

    __tablename__ = "depot_parts"
    __table_args__ = (Index("ix_depot_parts_window_member", "window_id", "member_id"),)

    need_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    lot_order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    window_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())
    goods: Mapped[Decimal] = mapped_column(Money())
    rest: Mapped[Decimal] = mapped_column(Quantity())


class MemberResultRow(Base):
    """A member's window result on what arrived, for the savings note (BT-22)."""

    __tablename__ = "member_results"

    window_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    baseline: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    saved: Mapped[Decimal] = mapped_column(Money())


class InvoiceRow(Base):
    """An issued invoice or credit note: written once, never changed. ``content`` holds
    everything the documents show (seller, buyer, lines, VAT); the documents are kept as
    issued."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("member_id", "window_id", "kind", "generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    window_id: Mapped[int] = mapped_column(Integer, index=True)
    generation: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5))
    net_total: Mapped[Decimal] = mapped_column(Money())
    vat_total: Mapped[Decimal] = mapped_column(Money())
    gross_total: Mapped[Decimal] = mapped_column(Money())
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, unique=True
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class InvoiceCounter(Base):
    """The last number issued in a year; its row is locked while a number is taken."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class MandateRow(Base):
    """A member's SEPA direct-debit mandate, as catalog announced it (rule 15)."""

    __tablename__ = "mandates"

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    iban: Mapped[str] = mapped_column(String(34))
    reference: Mapped[str] = mapped_column(String(35))
    signed_on: Mapped[date] = mapped_column(Date)


class PaymentRow(Base):
    """A member's payment: booked by hand by the office, or collected by a settlement run
    (then with the run and the mandate it was collected by)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(140))
    settlement_id: Mapped[int | None] = mapped_column(
        ForeignKey("settlements.id"), nullable=True, index=True
    )
    mandate_reference: Mapped[str | None] = mapped_column(String(35), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SettlementRow(Base):
    """A settlement run for a period, with its two SEPA files as made (None: nothing to
    collect, or nothing to pay), and where it stands (``domain.settlement_runs``):
    pending until the office marks it submitted (its collections then booked as
    payments) or discards it (cancelled: what it held is free for a later run)."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    run_on: Mapped[date] = mapped_column(Date)
    collect_on: Mapped[date] = mapped_column(Date)
    collected: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    skonto: Mapped[Decimal] = mapped_column(Money())
    state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    submitted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cancelled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    direct_debits: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    credit_transfers: Mapped[bytes | None] = mapped_column(
        LargeBinary, nullable=True, deferred=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CollectionRow(Base):
    """A member's balance a run collects by direct debit; booked as a payment on the
    member's account when the run is submitted."""

    __tablename__ = "settlement_collections"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, index=True)
    mandate_reference: Mapped[str] = mapped_column(String(35))
    amount: Mapped[Decimal] = mapped_column(Money())
    first: Mapped[bool] = mapped_column(Boolean)


class TransferRow(Base):
    """A supplier invoice a run pays: paid when the run is submitted, never by another run
    unless this one is discarded."""

    __tablename__ = "settlement_transfers"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), primary_key=True)
    supplier_invoice_id: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=False, index=True
    )
    supplier_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60))
    execute_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    skonto: Mapped[Decimal] = mapped_column(Money())


TABLES = messaging_tables(Base.metadata)
