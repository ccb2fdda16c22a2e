"""Notify's tables: the savings ledger and members' notifications."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Money, UtcDateTime, utcnow
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


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
    """One message to one member about one order."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("member_id", "order_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    window_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


TABLES = messaging_tables(Base.metadata)
