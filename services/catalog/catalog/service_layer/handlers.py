"""The catalog's use cases, each one transaction; events go out through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import TABLES, Member, Need, Offer, OfferTier, Product, Supplier
from catalog.domain.model import DeliveryChannel, NeedNotOpen, NeedStatus, webhook_problem
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
    member = Member(
        name=cmd.name,
        trade=cmd.trade,
        email=cmd.email,
        postcode=cmd.postcode,
        language=cmd.language,
    )
    session.add(member)
    session.flush()
    (outbox or Outbox(TABLES["outbox"])).add(session, member_registered(member))
    return member


def member_registered(member: Member) -> Event:
    """The member as notify keeps it; sent again whenever the office changes the member."""
    return Event(
        "catalog.member.registered",
        {
            "member_id": member.id,
            "name": member.name,
            "trade": member.trade,
            "email": member.email,
            "postcode": member.postcode,
            "language": member.language,
            "active": member.active,
        },
    )


def register_supplier(session: Session, outbox: Outbox, cmd: commands.RegisterSupplier) -> Supplier:
    supplier = Supplier()
    _set_terms(supplier, cmd)
    session.add(supplier)
    session.flush()
    outbox.add(session, supplier_updated(supplier))
    return supplier


def update_supplier(session: Session, outbox: Outbox, cmd: commands.UpdateSupplier) -> Supplier:
    """New terms and delivery channel; pooling and notify learn them from the event."""
    supplier = session.get(Supplier, cmd.supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {cmd.supplier_id}.")
    _set_terms(supplier, cmd)
    session.flush()
    outbox.add(session, supplier_updated(supplier))
    return supplier


def _set_terms(
    supplier: Supplier, cmd: commands.RegisterSupplier | commands.UpdateSupplier
) -> None:
    secret = cmd.webhook_secret or supplier.webhook_secret
    problem = webhook_problem(cmd.delivery_channel, cmd.webhook_url, secret)
    if problem is not None:
        raise problem
    supplier.name, supplier.email = cmd.name, cmd.email
    supplier.shipping_fee, supplier.free_shipping_from = cmd.shipping_fee, cmd.free_shipping_from
    supplier.delivery_channel = cmd.delivery_channel
    supplier.webhook_url = cmd.webhook_url if cmd.webhook_url else supplier.webhook_url
    supplier.webhook_secret = secret


def supplier_updated(supplier: Supplier) -> Event:
    """The supplier's terms and channel; the webhook's URL and secret only while it is on."""
    webhook = supplier.delivery_channel == DeliveryChannel.WEBHOOK
    return Event(
        "catalog.supplier.updated",
        {
            "supplier_id": supplier.id,
            "name": supplier.name,
            "email": supplier.email,
            "shipping_fee": supplier.shipping_fee,
            "free_shipping_from": supplier.free_shipping_from,
            "delivery_channel": supplier.delivery_channel,
            "webhook_url": supplier.webhook_url if webhook else None,
            "webhook_secret": supplier.webhook_secret if webhook else None,
            "active": supplier.active,
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
    supplier = session.get(Supplier, cmd.supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {cmd.supplier_id}.")
    if not supplier.active:
        raise Conflict("supplier_id", f"Supplier {cmd.supplier_id} is deactivated.")
    product = _product(session, cmd.sku)
    offer = session.scalar(
        select(Offer).where(Offer.supplier_id == cmd.supplier_id, Offer.product_id == product.id)
    )
    if offer is None:
        offer = Offer(supplier_id=cmd.supplier_id, product=product, pack_size=cmd.pack_size)
        session.add(offer)
    offer.pack_size = cmd.pack_size
    offer.valid_from = cmd.valid_from
    offer.updated_at = datetime.now(UTC)
    offer.tiers = [OfferTier(min_quantity=q, unit_price=p) for q, p in cmd.tiers]
    session.flush()
    outbox.add(session, offer_updated(offer))
    return offer


def offer_updated(offer: Offer, active: bool = True) -> Event:
    """The offer as pooling keeps it; ``active=False`` withdraws it from the pool."""
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
            "active": active,
            "valid_from": offer.valid_from,
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
_PRODUCT_FOR_MEMBER = (
    select(
        _products.c.id,
        _products.c.sku,
        _products.c.name,
        _products.c.unit,
        _members.c.name.label("member_name"),
        _members.c.postcode.label("member_postcode"),
        _members.c.active.label("member_active"),
    )
    .select_from(_products.outerjoin(_members, _members.c.id == bindparam("member_id")))
    .where(_products.c.sku == bindparam("sku"))
)


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
                "delivery_site": need.delivery_site or head_office(product),
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


def head_office(found: Row[Any]) -> str:
    """Where a need goes that names no delivery site: the member's own premises."""
    return f"Firmensitz {found.member_name}, {found.member_postcode}"


def _product_for_member(session: Session, sku: str, member_id: int) -> Row[Any]:
    """The product ``sku`` (id, sku, name, unit) with the member's name and postcode, once
    the member is known to exist and be active, in one query."""
    found = (
        session.connection()
        .execute(_PRODUCT_FOR_MEMBER, {"sku": sku, "member_id": member_id})
        .first()
    )
    if found is None or not found.member_active:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound("member_id", f"There is no member {member_id}.")
        if not member.active:
            raise Conflict("member_id", f"Member {member_id} is deactivated.")
        raise NotFound("sku", f"Unknown product {sku}.")
    return found


def _product(session: Session, sku: str) -> Product:
    product = session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound("sku", f"Unknown product {sku}.")
    return product
