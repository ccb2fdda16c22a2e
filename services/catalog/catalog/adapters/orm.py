"""The catalog's tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import ExactDecimal, Money, Price, Quantity, UtcDateTime, utcnow
from shared.runtime import messaging_tables

STANDARD_RATE = Decimal("19")


class Base(DeclarativeBase):
    pass


def VatRate() -> ExactDecimal:
    """A VAT rate in percent, shown without trailing zeros: ``19``, ``7``, ``0``."""
    return ExactDecimal(scale=2, min_places=0)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    trade: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    postcode: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5), default="de", server_default="de")
    # A member with history is deactivated instead of deleted: no sign-in, no new needs.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # What the member's invoice needs (rule 13): None where the name or nothing stands.
    legal_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str] = mapped_column(String(2), default="DE", server_default="DE")
    vat_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The SEPA direct-debit mandate the settlement collects by (rule 15).
    iban: Mapped[str | None] = mapped_column(String(34), nullable=True)
    mandate_reference: Mapped[str | None] = mapped_column(String(35), nullable=True)
    mandate_signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The member's preference: a need posted without ``up_to`` is flexible by this many
    # percent of its quantity (None or 0: needs are strict unless they say otherwise).
    flexible_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    shipping_fee: Mapped[Decimal] = mapped_column(Money())
    free_shipping_from: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    delivery_channel: Mapped[str] = mapped_column(String(10), default="email")
    webhook_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A supplier with offers is deactivated instead of deleted: its offers leave the pool.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # payment terms: Skonto percent within days of the invoice date, else net within days
    skonto_percent: Mapped[Decimal | None] = mapped_column(
        ExactDecimal(scale=2, min_places=0), nullable=True
    )
    skonto_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    net_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    iban: Mapped[str | None] = mapped_column(String(34), nullable=True)
    bic: Mapped[str | None] = mapped_column(String(11), nullable=True)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    # Percent (rule 12): 19, 7 or 0.
    vat_rate: Mapped[Decimal] = mapped_column(VatRate(), default=STANDARD_RATE, server_default="19")


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("supplier_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    pack_size: Mapped[Decimal] = mapped_column(Quantity())
    # Pools price with it from the first window starting on or after this day; None:
    # from the next window.
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    product: Mapped[Product] = relationship()
    # Tiers are stored in increasing min_quantity, so their ids keep that order.
    tiers: Mapped[list[OfferTier]] = relationship(
        order_by="OfferTier.id", cascade="all, delete-orphan"
    )


class OfferTier(Base):
    __tablename__ = "offer_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    min_quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())


class Need(Base):
    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    # flexible: the member would also take up to this much (None: exactly ``quantity``)
    up_to: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    needed_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivery_site: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # what arrived for the need (rule 10), once the office booked its order's receipt
    received_quantity: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    # what the depot served of it at a close (rule 11); the rest, if any, was ordered
    depot_quantity: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The poster's Idempotency-Key (the web form's hidden key): a post sent again with it
    # finds this need instead of making a second one. Kept as long as the need.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    product: Mapped[Product] = relationship()

    __table_args__ = (
        Index(
            "uq_needs_member_idempotency_key",
            "member_id",
            "idempotency_key",
            unique=True,
            postgresql_where=idempotency_key.isnot(None),
            sqlite_where=idempotency_key.isnot(None),
        ),
    )


class User(Base):
    """Someone who signs in to the web app: a member's office, a supplier's order desk or
    the cooperative's admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="member")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # a deactivated user cannot sign in, its sessions are over and its calls refused
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class SignInTries(Base):
    """The sign-in tries counted for one e-mail from one address (``email`` empty: for
    every e-mail from the address) since ``since``, the start of their window. A try is
    counted before its password is checked (``service_layer/sign_in.py``)."""

    __tablename__ = "sign_in_tries"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    tries: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class WebSession(Base):
    """A signed-in browser session; signing out deletes it, so its cookie is dead."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class OpsAudit(Base):
    """Who replayed or discarded which dead letter, and when."""

    __tablename__ = "ops_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    queue: Mapped[str] = mapped_column(String(120))
    message_id: Mapped[str] = mapped_column(String(80))
    routing_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class QueueSample(Base):
    """One look at one queue by the ops watch: its depth then (rates when the management
    API answered), kept a day for the dashboard's history and the growth alert."""

    __tablename__ = "queue_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    queue: Mapped[str] = mapped_column(String(120), index=True)
    messages: Mapped[int] = mapped_column(Integer)
    ready: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unacknowledged: Mapped[int | None] = mapped_column(Integer, nullable=True)
    consumers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    publish_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    deliver_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    ack_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(12))


class RaisedAlert(Base):
    """An alert the admins were told of; open until it clears (``resolved_at``)."""

    __tablename__ = "ops_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(120))
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)


TABLES = messaging_tables(Base.metadata)
