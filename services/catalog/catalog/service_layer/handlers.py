"""The catalog's use cases, each a command in one unit of work; events go out through
the unit of work's outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from catalog.domain.model import DeliveryChannel, NeedNotOpen, NeedStatus, webhook_problem
from catalog.service_layer import commands
from catalog.service_layer.posting import post_need as post_need
from catalog.service_layer.records import (
    MemberRecord,
    NeedRecord,
    OfferRecord,
    ProductRecord,
    SupplierRecord,
)
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.errors import Conflict, Forbidden, NotFound
from shared.events import (
    MemberRegistered,
    NeedCancelled,
    OfferUpdated,
    ProductUpdated,
    SupplierUpdated,
)


class ProductFacts(Protocol):
    """What an offer's event tells of its product (a product record or a row of one)."""

    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def vat_rate(self) -> Decimal: ...


def register_member(cmd: commands.RegisterMember, uow: UnitOfWork) -> MemberRecord:
    """A new member; notify and billing learn its address, language, invoice data and
    mandate from the event."""
    member = uow.members.add(member_facts(cmd))
    uow.publish(member_registered(member))
    return member


def member_facts(cmd: commands.RegisterMember | commands.ChangeMember) -> dict[str, Any]:
    """Everything the catalog keeps of a member, from a registration or a change."""
    return {name: getattr(cmd, name) for name in commands.MEMBER_FIELDS}


def member_registered(member: MemberRecord) -> MemberRegistered:
    """The member as notify and billing keep it (address, language, invoice data, mandate);
    sent again whenever the office changes the member."""
    facts = {name: getattr(member, name) for name in commands.MEMBER_FIELDS}
    return MemberRegistered(member_id=member.id, **facts, active=member.active)


def register_supplier(cmd: commands.RegisterSupplier, uow: UnitOfWork) -> SupplierRecord:
    supplier = uow.suppliers.add(supplier_terms(cmd, None, None))
    uow.publish(supplier_updated(supplier))
    return supplier


def update_supplier(cmd: commands.UpdateSupplier, uow: UnitOfWork) -> SupplierRecord:
    """New terms and delivery channel; pooling and notify learn them from the event."""
    supplier = uow.suppliers.get(cmd.supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {cmd.supplier_id}.")
    terms = supplier_terms(cmd, supplier.webhook_url, supplier.webhook_secret)
    for name, value in terms.items():
        setattr(supplier, name, value)
    uow.publish(supplier_updated(supplier))
    return supplier


def supplier_terms(
    cmd: commands.RegisterSupplier | commands.UpdateSupplier,
    stored_url: str | None,
    stored_secret: str | None,
) -> dict[str, Any]:
    """The supplier's terms and channel from ``cmd``; a webhook URL or secret left out
    keeps the stored one. A channel that could not work is refused."""
    secret = cmd.webhook_secret or stored_secret
    problem = webhook_problem(cmd.delivery_channel, cmd.webhook_url, secret)
    if problem is not None:
        raise problem
    kept = ("name", "email", "shipping_fee", "free_shipping_from", "delivery_channel")
    paid = ("skonto_percent", "skonto_days", "net_days", "iban", "bic")
    return {name: getattr(cmd, name) for name in (*kept, *paid)} | {
        "webhook_url": cmd.webhook_url if cmd.webhook_url else stored_url,
        "webhook_secret": secret,
    }


def supplier_updated(supplier: SupplierRecord) -> SupplierUpdated:
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


def add_product(cmd: commands.AddProduct, uow: UnitOfWork) -> ProductRecord:
    """A new product; billing learns its VAT rate from ``catalog.product.updated``."""
    if uow.products.by_sku(cmd.sku) is not None:
        raise Conflict("sku", f"A product with SKU {cmd.sku} exists already.")
    product = uow.products.add(cmd.sku, cmd.name, cmd.unit, cmd.vat_rate)
    uow.publish(product_updated(product))
    return product


def change_product(cmd: commands.ChangeProduct, uow: UnitOfWork) -> ProductRecord:
    """A product's new name, unit or VAT rate. Its offers are announced again, so that
    pooling's copies carry the new name and rate; a product with offers keeps its unit
    (their prices are per that unit)."""
    product = _product(uow, cmd.sku, lock=True)
    offers = uow.offers.of_product(product.id)
    if offers and cmd.unit != product.unit:
        message = f"Product {cmd.sku} has offers priced per {product.unit}; its unit stays."
        raise Conflict("unit", message)
    changed = (product.name, product.unit, product.vat_rate) != (cmd.name, cmd.unit, cmd.vat_rate)
    product.name, product.unit, product.vat_rate = cmd.name, cmd.unit, cmd.vat_rate
    if changed:
        uow.publish(product_updated(product))
        active = uow.suppliers.active_of([offer.supplier_id for offer in offers])
        uow.publish_all([offer_updated(offer, active[offer.supplier_id]) for offer in offers])
    return product


def product_updated(product: ProductFacts) -> ProductUpdated:
    """``catalog.product.updated``: the product with its VAT rate, for billing."""
    return ProductUpdated(
        sku=product.sku,
        name=product.name,
        unit=product.unit,
        vat_rate=product.vat_rate,
    )


def set_offer(cmd: commands.SetOffer, uow: UnitOfWork) -> OfferRecord:
    """Create or replace a supplier's offer of a product (pack size and tiers)."""
    supplier = uow.suppliers.get(cmd.supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {cmd.supplier_id}.")
    if not supplier.active:
        raise Conflict("supplier_id", f"Supplier {cmd.supplier_id} is deactivated.")
    product = _product(uow, cmd.sku)
    offer = uow.offers.set(cmd.supplier_id, product, cmd.pack_size, cmd.tiers, cmd.valid_from)
    uow.publish(offer_updated(offer))
    return offer


def offer_updated(offer: OfferRecord, active: bool = True) -> OfferUpdated:
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


def cancel_need(cmd: commands.CancelNeed, uow: UnitOfWork) -> NeedRecord:
    """The member (or the office) cancels the need, held locked so that an order placed
    meanwhile is not overwritten (``request_cancellation``)."""
    need = uow.needs.get(cmd.need_id, lock=True)
    if need is None:
        raise NotFound("need_id", f"There is no need {cmd.need_id}.")
    own_need(need, cmd.member_id)
    return request_cancellation(need, uow)


def own_need(need: NeedRecord, member_id: int | None) -> None:
    """Refused unless the need is the member's (``member_id`` None: the office asks)."""
    if member_id is not None and need.member_id != member_id:
        raise Forbidden("need_id", "This belongs to another member.")


def request_cancellation(need: NeedRecord, uow: UnitOfWork) -> NeedRecord:
    """Cancelling is asked of pooling, which owns the close, and which answers
    ``pooling.need.withdrawn`` (then ``cancelled``) or an order placed (then ``ordered``).
    Until then the need is ``cancel_requested``. Asking again, or after the withdrawal,
    changes nothing; an ordered need cannot be cancelled. ``need`` is held locked."""
    if need.status in (NeedStatus.CANCEL_REQUESTED, NeedStatus.CANCELLED):
        return need
    if need.status != NeedStatus.OPEN:
        raise NeedNotOpen(need.status)
    need.status = NeedStatus.CANCEL_REQUESTED
    uow.publish(NeedCancelled(need_id=need.id, member_id=need.member_id, sku=need.product.sku))
    return need


def _product(uow: UnitOfWork, sku: str, *, lock: bool = False) -> ProductRecord:
    product = uow.products.by_sku(sku, lock=lock)
    if product is None:
        raise NotFound("sku", f"Unknown product {sku}.")
    return product
