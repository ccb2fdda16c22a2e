"""Notify's tables for suppliers: the directory (how each receives its orders) and the
log of deliveries to suppliers (orders and disputes of their invoices) with every
attempt."""

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


ORDER, DISPUTE = "order", "dispute"  # what a supplier delivery is about: its ``kind``


class SupplierDelivery(DeliveryProgress, Base):
    """One order, or one dispute of an invoice, to one supplier on one channel: sent once,
    however often it is announced. ``subject_id`` is the order's id, or the disputed
    supplier invoice's; ``dispute_number`` which of that invoice's disputes it is (an
    invoice reopened and disputed again is disputed anew: 1, 2, ...; 0 for an order)."""

    __tablename__ = "supplier_deliveries"
    __table_args__ = (
        UniqueConstraint(
            "supplier_id",
            "kind",
            "subject_id",
            "dispute_number",
            "channel",
            name="one_supplier_delivery",
        ),
        Index("ix_supplier_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10), default=ORDER)
    subject_id: Mapped[int] = mapped_column(Integer)
    dispute_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.number", cascade="all, delete-orphan"
    )

    @property
    def order_id(self) -> int | None:
        """The order's id, if this is an order."""
        return self.subject_id if self.kind == ORDER else None

    @property
    def supplier_invoice_id(self) -> int | None:
        """The disputed supplier invoice's id, if this is a dispute."""
        return self.subject_id if self.kind == DISPUTE else None

    @property
    def about(self) -> str:
        """What it is, as its message ids name it: ``order-<order id>`` or
        ``dispute-<supplier invoice id>-<dispute number>``."""
        if self.kind == DISPUTE:
            return f"{DISPUTE}-{self.subject_id}-{self.dispute_number}"
        return f"{self.kind}-{self.subject_id}"


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
    """How many deliveries to suppliers (orders, disputes) were given up (for the ops dashboard)."""
    with sessions() as session:
        failed = session.scalar(select(func.count()).where(SupplierDelivery.status == "failed"))
    return {"failed_to_suppliers": failed or 0}
