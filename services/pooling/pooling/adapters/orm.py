"""The pooling service's tables: its copy of offers and terms, windows, needs, orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from pooling.domain.lifecycle import OrderStatus
from pooling.domain.vat import STANDARD_RATE
from shared.db import ExactDecimal, Money, Price, Quantity, UtcDateTime, utcnow
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


class SupplierTerms(Base):
    """Catalog's supplier, as far as pricing needs it."""

    __tablename__ = "supplier_terms"

    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    shipping_fee: Mapped[Decimal] = mapped_column(Money())
    free_shipping_from: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class Offer(Base):
    """Catalog's offer of a product by a supplier; tiers as ``[[min_quantity, unit_price]]``."""

    __tablename__ = "offers"

    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    pack_size: Mapped[Decimal] = mapped_column(Quantity())
    tiers: Mapped[list[list[str]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    # The product's VAT rate in percent (rule 12), as the offer's event last said.
    vat_rate: Mapped[Decimal] = mapped_column(
        ExactDecimal(scale=2, min_places=0), default=STANDARD_RATE, server_default="19"
    )


class OfferVersion(Base):
    """The offers catalog announced: a window prices with the ones in force for it. A
    close deletes those no later window can price with (``prune_offer_versions``)."""

    __tablename__ = "offer_versions"
    __table_args__ = (Index("offer_versions_by_offer", "supplier_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(40))
    pack_size: Mapped[Decimal] = mapped_column(Quantity())
    tiers: Mapped[list[list[str]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)


class Window(Base):
    """A pool window; at most one is open (the partial unique index makes sure of it)."""

    __tablename__ = "windows"
    __table_args__ = (
        Index(
            "one_open_window",
            "status",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    total_cost: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    members_baseline: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    members_paid: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    members_saved: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    progress_signature: Mapped[str | None] = mapped_column(String(80), nullable=True)
    optimal: Mapped[bool | None] = mapped_column(nullable=True)  # None until closed
    optimality_gap: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    # When its first need joined it (stored at the close; until then the needs tell):
    # the offers in force at that moment are the window's prices.
    prices_fixed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class PooledNeed(Base):
    """A member's need as pooling knows it: in a window, then ordered, or cancelled."""

    __tablename__ = "needs"
    # Room on each page for every need's one update at its close (ordered, with its
    # order): PostgreSQL writes the new versions in place (HOT), without touching the
    # indexes, about three times faster than onto new pages (migration 0013).
    __table_args__ = {"postgresql_with": {"fillfactor": 45}}

    need_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    sku: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(10), default="open")
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivery_site: Mapped[str | None] = mapped_column(String(200), nullable=True)
    joined_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # the id the need was posted under: it follows the need into its order's events
    correlation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # flexible: the member would also take up to this much (None: strict)
    up_to: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    # when the member needs it ("benötigt bis"; None: it did not say)
    needed_by: Mapped[date | None] = mapped_column(Date, nullable=True)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(12), default=OrderStatus.PLACED.value)
    shipping_fee: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    expected_delivery: Mapped[date | None] = mapped_column(Date, nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    lines: Mapped[list[OrderLine]] = relationship(order_by="OrderLine.sku", cascade="all")


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    packs: Mapped[int] = mapped_column(Integer)
    ordered_quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Price())
    line_total: Mapped[Decimal] = mapped_column(Money())
    surplus_quantity: Mapped[Decimal] = mapped_column(Quantity())
    # rule 8: the supplier declined the line; its needs went back to the pool
    declined: Mapped[bool] = mapped_column(default=False, server_default=false())
    # rule 10, once the receipt is booked (the latest correction's figures)
    received_quantity: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    depot_quantity: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    allocations: Mapped[list[Allocation]] = relationship(
        order_by="Allocation.need_id", cascade="all"
    )


class Allocation(Base):
    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    need_id: Mapped[int] = mapped_column(Integer, index=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    goods: Mapped[Decimal] = mapped_column(Money())
    shipping_share: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    delivery_site: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # rule 10: what the need received; goods, shipping_share and paid are then the
    # received ones (rule 9 keeps the confirmed prices and fee)
    received: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    # of ``quantity``, what the close added on the need's flexibility (its ``up_to``)
    extra_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    # the need's "benötigt bis" when the order was placed: what the supplier plans by
    needed_by: Mapped[date | None] = mapped_column(Date, nullable=True)


class Receipt(Base):
    """One booking of what arrived of an order: the first (revision 0) and each of the
    office's corrections, all kept. Two bookings of one revision cannot both be stored."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("order_id", "revision", name="one_receipt_per_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    lines: Mapped[list[ReceiptLine]] = relationship(order_by="ReceiptLine.sku", cascade="all")


class ReceiptLine(Base):
    """What arrived of one line in one booking, and whether the office took the extra."""

    __tablename__ = "receipt_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    received_quantity: Mapped[Decimal] = mapped_column(Quantity())
    extra_to_depot: Mapped[bool] = mapped_column(default=False)


class SiteReceipt(Base):
    """What arrived of one line at one member's delivery site, booked by that member
    (rule 10); once per line and site. ``delivery_site``: ``HEAD_OFFICE`` for the
    member's own address."""

    __tablename__ = "site_receipts"
    __table_args__ = (
        UniqueConstraint(
            "order_id", "member_id", "delivery_site", "sku", name="one_site_receipt_per_line"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    member_id: Mapped[int] = mapped_column(Integer)
    delivery_site: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(40))
    received_quantity: Mapped[Decimal] = mapped_column(Quantity())
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DepotMovement(Base):
    """One entry of the depot's ledger (rule 11); lots and value are folded from these."""

    __tablename__ = "depot_movements"
    __table_args__ = (
        Index("depot_movements_by_lot", "sku", "order_id"),
        Index("depot_movements_by_window", "window_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    sku: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    booked_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    value: Mapped[Decimal] = mapped_column(Money())
    book_value: Mapped[Decimal] = mapped_column(Price())
    need_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # out to a need at a close (rule 11): the window that close closed, the need's member
    window_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    member_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MemberSavings(Base):
    """A member's result of a window: alone (baseline) against pooled (paid)."""

    __tablename__ = "member_savings"

    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    baseline: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[Decimal] = mapped_column(Money())
    saved: Mapped[Decimal] = mapped_column(Money())
    # what the window's flexible needs saved the member on its own quantities
    flexibility_saved: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))


TABLES = messaging_tables(Base.metadata)
