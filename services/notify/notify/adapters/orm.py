"""Notify's tables: the savings ledger, members' notifications, the member directory and
the log of outbound deliveries (e-mail)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Money, UtcDateTime, utcnow
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


class DeliveryProgress:
    """How far a delivery has got: pending, sent or failed, its attempts and the next."""

    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SavingsEntry(Base):
    """What one member paid and would have paid alone in one pool window."""

    __tablename__ = "savings_ledger"

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    window_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    baseline: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    saved: Mapped[Decimal] = mapped_column(Money())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Notification(Base):
    """One message to one member: about an order, a window's savings or a tier in reach."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("member_id", "order_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    window_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class MemberEntry(Base):
    """What notify knows of a member from catalog: whom to write to, in which language."""

    __tablename__ = "members"

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    trade: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    postcode: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5), default="de")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class Delivery(DeliveryProgress, Base):
    """One message to send to one member on one channel (about an order, a window's savings
    report, a nudge or an invoice), and how it went."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("member_id", "order_id", "kind", "channel"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    window_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # an invoice's e-mail carries the invoice's PDF, fetched from billing when it is sent
    invoice_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)


TABLES = messaging_tables(Base.metadata)
