"""The catalog's use cases, each one transaction; events go out through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import TABLES, Member, Need, Offer, OfferTier, Product, Supplier
from catalog.domain.model import DeliveryChannel, NeedNotOpen, NeedStatus, webhook_problem
from catalog.service_layer import commands
from catalog.service_layer.posting import post_need as post_need
from shared.errors import Conflict, NotFound
from shared.events import (
    MemberRegistered,
    NeedCancelled,
    OfferUpdated,
    ProductUpdated,
    SupplierUpdated,
)
from shared.outbox import Outbox


class ProductFacts(Protocol):
    """What an offer's event tells of its product (an ORM product or a row of one)."""

    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def vat_rate(self) -> Decimal: ...


def register_member(
    session: Session, cmd: commands.RegisterMember, outbox: Outbox | None = None
) -> Member:
    """A new member; notify learns its address and language from the event.

    Without an ``outbox`` the event goes into catalog's own outbox table: every
    registration reaches notify, whichever entrypoint made it.
    """
    member = Member()
    set_member_facts(member, cmd)
    session.add(member)
    session.flush()
    (outbox or Outbox(TABLES["outbox"])).add(session, member_registered(member))
    return member


def set_member_facts(member: Member, cmd: commands.RegisterMember | commands.ChangeMember) -> None:
    """Everything the catalog keeps of a member, from a registration or a change."""
    for name in commands.MEMBER_FIELDS:
        setattr(member, name, getattr(cmd, name))


def member_registered(member: Member) -> MemberRegistered:
    """The member as notify and billing keep it (address, language, invoice data, mandate);
    sent again whenever the office changes the member."""
    facts = {name: getattr(member, name) for name in commands.MEMBER_FIELDS}
    return MemberRegistered(member_id=member.id, **facts, active=member.active)


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
    supplier.skonto_percent, supplier.skonto_days = cmd.skonto_percent, cmd.skonto_days
    supplier.net_days, supplier.iban, supplier.bic = cmd.net_days, cmd.iban, cmd.bic


def supplier_updated(supplier: Supplier) -> SupplierUpdated:
    """The supplier's terms and channel; the webhook's URL and secret only while it is on."""
    webhook = supplier.delivery_channel == DeliveryChannel.WEBHOOK
    return SupplierUpdated(
        supplier_id=supplier.id,
        name=supplier.name,
        email=supplier.email,
        shipping_fee=supplier.shipping_fee,
        free_shipping_from=supplier.free_shipping_from,
        delivery_channel=supplier.delivery_channel,
        webhook_url=supplier.webhook_url if webhook else None,
        webhook_secret=supplier.webhook_secret if webhook else None,
        active=supplier.active,
        skonto_percent=supplier.skonto_percent,
        skonto_days=supplier.skonto_days,
        net_days=supplier.net_days,
        iban=supplier.iban,
        bic=supplier.bic,
    )


def add_product(
    session: Session, cmd: commands.AddProduct, outbox: Outbox | None = None
) -> Product:
    """A new product; billing learns its VAT rate from ``catalog.product.updated``
    (written to catalog's own outbox table when no ``outbox`` is given)."""
    if session.scalar(select(Product.id).where(Product.sku == cmd.sku)) is not None:
        raise Conflict("sku", f"A product with SKU {cmd.sku} exists already.")
    product = Product(sku=cmd.sku, name=cmd.name, unit=cmd.unit, vat_rate=cmd.vat_rate)
    session.add(product)
    session.flush()
    (outbox or Outbox(TABLES["outbox"])).add(session, product_updated(product))
    return product


def change_product(session: Session, outbox: Outbox, cmd: commands.ChangeProduct) -> Product:
    """A product's new name, unit or VAT rate. Its offers are announced again, so that
    pooling's copies carry the new name and rate; a product with offers keeps its unit
    (their prices are per that unit)."""
    product = _product(session, cmd.sku, lock=True)
    offers = list(
        session.scalars(
            select(Offer).where(Offer.product_id == product.id).order_by(Offer.supplier_id)
        )
    )
    if offers and cmd.unit != product.unit:
        message = f"Product {cmd.sku} has offers priced per {product.unit}; its unit stays."
        raise Conflict("unit", message)
    changed = (product.name, product.unit, product.vat_rate) != (cmd.name, cmd.unit, cmd.vat_rate)
    product.name, product.unit, product.vat_rate = cmd.name, cmd.unit, cmd.vat_rate
    session.flush()
    if changed:
        outbox.add(session, product_updated(product))
        supplier_active = _supplier_active(session, [offer.supplier_id for offer in offers])
        outbox.add_all(
            session,
            [offer_updated(offer, supplier_active[offer.supplier_id]) for offer in offers],
        )
    return product


def _supplier_active(session: Session, supplier_ids: list[int]) -> dict[int, bool]:
    query = select(Supplier.id, Supplier.active).where(Supplier.id.in_(supplier_ids))
    return {supplier_id: bool(active) for supplier_id, active in session.execute(query)}


def product_updated(product: ProductFacts) -> ProductUpdated:
    """``catalog.product.updated``: the product with its VAT rate, for billing."""
    return ProductUpdated(
        sku=product.sku,
        name=product.name,
        unit=product.unit,
        vat_rate=product.vat_rate,
    )


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


def offer_updated(offer: Offer, active: bool = True) -> OfferUpdated:
    """The offer as pooling keeps it; ``active=False`` withdraws it from the pool."""
    tiers = [(tier.min_quantity, tier.unit_price) for tier in offer.tiers]
    return offer_event(
        offer.supplier_id, offer.product, offer.pack_size, tiers, offer.valid_from, active
    )


def offer_event(
    supplier_id: int,
    product: ProductFacts,
    pack_size: Decimal,
    tiers: Sequence[tuple[Decimal, Decimal]],
    valid_from: date | None,
    active: bool = True,
) -> OfferUpdated:
    """``catalog.offer.updated`` of a supplier's offer of ``product``, from plain values."""
    return OfferUpdated(
        supplier_id=supplier_id,
        sku=product.sku,
        product_name=product.name,
        unit=product.unit,
        vat_rate=product.vat_rate,
        pack_size=pack_size,
        tiers=[{"min_quantity": q, "unit_price": p} for q, p in tiers],
        active=active,
        valid_from=valid_from,
    )


def cancel_need(session: Session, outbox: Outbox, need: Need) -> Need:
    """The member cancels the need: asked of pooling, which owns the close, and which answers
    ``pooling.need.withdrawn`` (then ``cancelled``) or an order placed (then ``ordered``).
    Until then the need is ``cancel_requested``. Asking again, or after the withdrawal,
    changes nothing; an ordered need cannot be cancelled. The caller holds ``need`` locked
    (``with_for_update``), so an order placed meanwhile is not overwritten."""
    if need.status in (NeedStatus.CANCEL_REQUESTED, NeedStatus.CANCELLED):
        return need
    if need.status != NeedStatus.OPEN:
        raise NeedNotOpen(need.status)
    need.status = NeedStatus.CANCEL_REQUESTED
    outbox.add(
        session,
        NeedCancelled(need_id=need.id, member_id=need.member_id, sku=need.product.sku),
    )
    return need


def _product(session: Session, sku: str, *, lock: bool = False) -> Product:
    query = select(Product).where(Product.sku == sku)
    product = session.scalar(query.with_for_update() if lock else query)
    if product is None:
        raise NotFound("sku", f"Unknown product {sku}.")
    return product
