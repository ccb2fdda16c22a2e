"""The catalog's use cases, each one transaction; events go out through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, exists, insert, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import TABLES, Member, Need, Offer, OfferTier, Product, Supplier
from catalog.domain.model import NeedNotOpen, NeedStatus
from catalog.service_layer import commands
from shared.db import utcnow
from shared.errors import Conflict, NotFound
from shared.events import Event
from shared.outbox import Outbox


def register_member(
    session: Session, cmd: commands.RegisterMember, outbox: Outbox | None = None
) -> Member:
    """A new member; notify learns its address and language from the event.

    Without an ``outbox`` the event goes into catalog's own outbox table: every
    registration reaches notify, whichever entrypoint made it.
    """
    member = Member(name=cmd.name, trade=cmd.trade, email=cmd.email, postcode=cmd.postcode)
    session.add(member)
    session.flush()
    event = Event(
        "catalog.member.registered",
        {
            "member_id": member.id,
            "name": member.name,
            "trade": member.trade,
            "email": member.email,
            "postcode": member.postcode,
            "language": cmd.language,
        },
    )
    (outbox or Outbox(TABLES["outbox"])).add(session, event)
    return member


def register_supplier(session: Session, outbox: Outbox, cmd: commands.RegisterSupplier) -> Supplier:
    supplier = Supplier(
        name=cmd.name,
        email=cmd.email,
        shipping_fee=cmd.shipping_fee,
        free_shipping_from=cmd.free_shipping_from,
    )
    session.add(supplier)
    session.flush()
    outbox.add(session, supplier_updated(supplier))
    return supplier


def supplier_updated(supplier: Supplier) -> Event:
    return Event(
        "catalog.supplier.updated",
        {
            "supplier_id": supplier.id,
            "name": supplier.name,
            "shipping_fee": supplier.shipping_fee,
            "free_shipping_from": supplier.free_shipping_from,
        },
    )


def add_product(session: Session, cmd: commands.AddProduct) -> Product:
    if session.scalar(select(Product.id).where(Product.sku == cmd.sku)) is not None:
        raise Conflict("sku", f"A product with SKU {cmd.sku} exists already.")
    product = Product(sku=cmd.sku, name=cmd.name, unit=cmd.unit)
    session.add(product)
    session.flush()
    return product


def set_offer(session: Session, outbox: Outbox, cmd: commands.SetOffer) -> Offer:
    """Create or replace a supplier's offer of a product (pack size and tiers)."""
    if session.get(Supplier, cmd.supplier_id) is None:
        raise NotFound("supplier_id", f"There is no supplier {cmd.supplier_id}.")
    product = _product(session, cmd.sku)
    offer = session.scalar(
        select(Offer).where(Offer.supplier_id == cmd.supplier_id, Offer.product_id == product.id)
    )
    if offer is None:
        offer = Offer(supplier_id=cmd.supplier_id, product=product, pack_size=cmd.pack_size)
        session.add(offer)
    offer.pack_size = cmd.pack_size
    offer.updated_at = datetime.now(UTC)
    offer.tiers = [OfferTier(min_quantity=q, unit_price=p) for q, p in cmd.tiers]
    session.flush()
    outbox.add(session, offer_updated(offer))
    return offer


def offer_updated(offer: Offer) -> Event:
    return Event(
        "catalog.offer.updated",
        {
            "supplier_id": offer.supplier_id,
            "sku": offer.product.sku,
            "product_name": offer.product.name,
            "unit": offer.product.unit,
            "pack_size": offer.pack_size,
            "tiers": [
                {"min_quantity": t.min_quantity, "unit_price": t.unit_price} for t in offer.tiers
            ],
        },
    )


@dataclass(frozen=True)
class PostedNeed:
    """A need just stored, with its product: what the poster is shown (``NeedOut``)."""

    id: int
    member_id: int
    product: Any  # sku, name and unit of the product
    quantity: Decimal
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    created_at: datetime
    status: str = NeedStatus.OPEN
    order_id: int | None = None


_needs, _products, _members = Need.__table__, Product.__table__, Member.__table__
_INSERT_NEED = insert(_needs).returning(_needs.c.id)
_PRODUCT_FOR_MEMBER = select(
    _products.c.id,
    _products.c.sku,
    _products.c.name,
    _products.c.unit,
    exists().where(_members.c.id == bindparam("member_id")).label("member"),
).where(_products.c.sku == bindparam("sku"))


def post_need(session: Session, outbox: Outbox, cmd: commands.PostNeed) -> PostedNeed:
    """Store the need and its ``catalog.need.posted`` event: one look-up, two inserts.

    Members post needs all day, so this runs plain statements, each built once, on
    the session's connection (no unit-of-work bookkeeping for rows nothing else
    touches in this transaction).
    """
    product = _product_for_member(session, cmd.sku, cmd.member_id)
    now = utcnow()
    need_id = (
        session.connection()
        .execute(
            _INSERT_NEED,
            {
                "member_id": cmd.member_id,
                "product_id": product.id,
                "quantity": cmd.quantity,
                "needed_by": cmd.needed_by,
                "delivery_site": cmd.delivery_site,
                "note": cmd.note,
                "status": NeedStatus.OPEN.value,
                "created_at": now,
            },
        )
        .scalar_one()
    )
    need = PostedNeed(
        need_id,
        cmd.member_id,
        product,
        cmd.quantity,
        cmd.needed_by,
        cmd.delivery_site,
        cmd.note,
        now,
    )
    outbox.add(
        session,
        Event(
            "catalog.need.posted",
            {
                "need_id": need.id,
                "member_id": need.member_id,
                "sku": product.sku,
                "quantity": need.quantity,
                "needed_by": need.needed_by,
                "delivery_site": need.delivery_site,
                "posted_at": need.created_at,
            },
        ),
    )
    return need


def cancel_need(session: Session, outbox: Outbox, need: Need) -> Need:
    if need.status != NeedStatus.OPEN:
        raise NeedNotOpen(need.status)
    need.status = NeedStatus.CANCELLED
    outbox.add(
        session,
        Event(
            "catalog.need.cancelled",
            {"need_id": need.id, "member_id": need.member_id, "sku": need.product.sku},
        ),
    )
    return need


def _product_for_member(session: Session, sku: str, member_id: int) -> Row[Any]:
    """The product ``sku`` (id, sku, name, unit) once the member is known to exist,
    both in one query."""
    found = (
        session.connection()
        .execute(_PRODUCT_FOR_MEMBER, {"sku": sku, "member_id": member_id})
        .first()
    )
    if found is None or not found.member:
        if session.get(Member, member_id) is None:
            raise NotFound("member_id", f"There is no member {member_id}.")
        raise NotFound("sku", f"Unknown product {sku}.")
    return found


def _product(session: Session, sku: str) -> Product:
    product = session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound("sku", f"Unknown product {sku}.")
    return product
