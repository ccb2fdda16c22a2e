"""Notify's tables for savings reports, statements, preferences and nudges.

Each line a member was allocated is kept (``savings_lines``) so a report, a
statement or the cooperative's dashboard can show lines, suppliers and trades;
the window's figures stay in the savings ledger.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import Boolean, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from notify.adapters.orm import Base
from shared.db import Money, Price, Quantity, UtcDateTime, utcnow


class SavingsLine(Base):
    """One need of a member in one placed order: quantity, pooled unit price, paid."""

    __tablename__ = "savings_lines"
    __table_args__ = (UniqueConstraint("order_id", "need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    window_id: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    need_id: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())
    goods: Mapped[Decimal] = mapped_column(Money())
    shipping_share: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Preferences(Base):
    """How a member wants to hear from Zirkel; no row means the defaults."""

    __tablename__ = "preferences"

    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    app: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    nudge_bought: Mapped[bool] = mapped_column(Boolean, default=False)
    nudge_trade: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_from: Mapped[time | None] = mapped_column(Time(), nullable=True)
    quiet_until: Mapped[time | None] = mapped_column(Time(), nullable=True)
    membership_fee: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class Nudge(Base):
    """A member told that a product is close to its next tier: once per product and window."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("member_id", "window_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    window_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    missing: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())
    next_unit_price: Mapped[Decimal] = mapped_column(Price())
    everyone_saves: Mapped[Decimal] = mapped_column(Money())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
