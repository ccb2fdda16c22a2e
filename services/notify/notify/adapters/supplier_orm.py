"""Notify's tables for suppliers: the directory (how each receives its orders) and the
log of order deliveries to suppliers with every attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, sessionmaker

from notify.adapters.orm import Base, DeliveryProgress
from shared.db import UtcDateTime, utcnow


class SupplierEntry(Base):
    """What notify knows of a supplier from catalog: where and how its orders go."""

    __tablename__ = "suppliers"

    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    delivery_channel: Mapped[str] = mapped_column(String(10), default="email")
    webhook_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class SupplierDelivery(DeliveryProgress, Base):
    """One order to one supplier on one channel: sent once, however often it is announced."""

    __tablename__ = "supplier_deliveries"
    __table_args__ = (
        UniqueConstraint("supplier_id", "order_id", "channel"),
        Index("ix_supplier_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(Integer, index=True)
    order_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.number", cascade="all, delete-orphan"
    )


class DeliveryAttempt(Base):
    """One try at a supplier delivery: the answer's status code or the error, and when the
    next try is due (none after success or giving up)."""

    __tablename__ = "supplier_delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("supplier_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(10))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


def failed_deliveries(sessions: sessionmaker[Session]) -> dict[str, object]:
    """How many order deliveries to suppliers were given up (for the ops dashboard)."""
    with sessions() as session:
        failed = session.scalar(select(func.count()).where(SupplierDelivery.status == "failed"))
    return {"failed_to_suppliers": failed or 0}
