"""The office changes and removes members and suppliers; the other services follow by events.

Removing keeps history whole: a member with needs, or a supplier with offers, is
deactivated instead of deleted. A deactivated member cannot sign in or post, and its
open needs are cancelled; a deactivated supplier's offers are withdrawn from pooling.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Member, Need, Offer, Supplier, User
from catalog.domain.model import NeedStatus
from catalog.service_layer import commands
from catalog.service_layer.handlers import (
    cancel_need,
    member_registered,
    offer_updated,
    supplier_updated,
)
from shared.errors import NotFound
from shared.outbox import Outbox


class Removal(StrEnum):
    DELETED = "deleted"
    DEACTIVATED = "deactivated"


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("member_id", f"There is no member {member_id}.")
    return member


def get_supplier(session: Session, supplier_id: int) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {supplier_id}.")
    return supplier


def change_member(session: Session, outbox: Outbox, cmd: commands.ChangeMember) -> Member:
    member = get_member(session, cmd.member_id)
    member.name, member.trade, member.email = cmd.name, cmd.trade, cmd.email
    member.postcode, member.language = cmd.postcode, cmd.language
    outbox.add(session, member_registered(member))
    return member


def member_has_history(session: Session, member_id: int) -> bool:
    return session.scalar(select(Need.id).where(Need.member_id == member_id).limit(1)) is not None


def remove_member(session: Session, outbox: Outbox, member_id: int) -> Removal:
    """Delete a member without needs (and its sign-ins); deactivate one with needs."""
    member = get_member(session, member_id)
    if not member_has_history(session, member_id):
        session.execute(delete(User).where(User.member_id == member_id))
        session.delete(member)
        return Removal.DELETED
    open_needs = session.scalars(
        select(Need)
        .options(selectinload(Need.product))
        .where(Need.member_id == member_id, Need.status == NeedStatus.OPEN)
    )
    for need in open_needs:
        cancel_need(session, outbox, need)
    member.active = False
    outbox.add(session, member_registered(member))
    return Removal.DEACTIVATED


def reactivate_member(session: Session, outbox: Outbox, member_id: int) -> Member:
    member = get_member(session, member_id)
    member.active = True
    outbox.add(session, member_registered(member))
    return member


def _offers(session: Session, supplier_id: int) -> list[Offer]:
    query = (
        select(Offer)
        .options(selectinload(Offer.tiers), selectinload(Offer.product))
        .where(Offer.supplier_id == supplier_id)
        .order_by(Offer.id)
    )
    return list(session.scalars(query))


def supplier_has_history(session: Session, supplier_id: int) -> bool:
    """Offers reached pooling, so orders may name the supplier: it stays, deactivated."""
    found = select(Offer.id).where(Offer.supplier_id == supplier_id).limit(1)
    return session.scalar(found) is not None


def remove_supplier(session: Session, outbox: Outbox, supplier_id: int) -> Removal:
    """Delete a supplier without offers; deactivate one with offers and withdraw them."""
    supplier = get_supplier(session, supplier_id)
    if not supplier_has_history(session, supplier_id):
        session.delete(supplier)
        return Removal.DELETED
    supplier.active = False
    outbox.add(session, supplier_updated(supplier))
    for offer in _offers(session, supplier_id):
        outbox.add(session, offer_updated(offer, active=False))
    return Removal.DEACTIVATED


def reactivate_supplier(session: Session, outbox: Outbox, supplier_id: int) -> Supplier:
    """The supplier and its offers, as they were, back in the pool."""
    supplier = get_supplier(session, supplier_id)
    supplier.active = True
    outbox.add(session, supplier_updated(supplier))
    for offer in _offers(session, supplier_id):
        outbox.add(session, offer_updated(offer, active=True))
    return supplier
