"""The office changes and removes members and suppliers; the other services follow by events.

Removing deactivates, it never deletes: history stays whole, and an id (with the API
tokens issued for it) is never given to another firm, on SQLite as on PostgreSQL. A
deactivated member cannot sign in or post, and its open needs are cancelled; a
deactivated supplier's offers are withdrawn from pooling. Both can be reactivated.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Member, Need, Offer, Supplier
from catalog.domain.model import NeedStatus
from catalog.service_layer import commands
from catalog.service_layer.handlers import (
    cancel_need,
    member_registered,
    offer_updated,
    set_member_facts,
    supplier_updated,
)
from shared.errors import NotFound
from shared.outbox import Outbox


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
    set_member_facts(member, cmd)
    session.flush()
    outbox.add(session, member_registered(member))
    return member


def remove_member(session: Session, outbox: Outbox, member_id: int) -> Member:
    """Deactivate a member: no sign-in, no new needs, its open needs cancelled."""
    member = get_member(session, member_id)
    open_needs = session.scalars(
        select(Need)
        .options(selectinload(Need.product))
        .where(Need.member_id == member_id, Need.status == NeedStatus.OPEN)
        .with_for_update()  # an order placed meanwhile is not overwritten
    )
    for need in open_needs:
        cancel_need(session, outbox, need)
    member.active = False
    outbox.add(session, member_registered(member))
    return member


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


def remove_supplier(session: Session, outbox: Outbox, supplier_id: int) -> Supplier:
    """Deactivate a supplier: its offers are withdrawn from the pool, its sign-ins stop."""
    supplier = get_supplier(session, supplier_id)
    supplier.active = False
    outbox.add(session, supplier_updated(supplier))
    for offer in _offers(session, supplier_id):
        outbox.add(session, offer_updated(offer, active=False))
    return supplier


def reactivate_supplier(session: Session, outbox: Outbox, supplier_id: int) -> Supplier:
    """The supplier and its offers, as they were, back in the pool."""
    supplier = get_supplier(session, supplier_id)
    supplier.active = True
    outbox.add(session, supplier_updated(supplier))
    for offer in _offers(session, supplier_id):
        outbox.add(session, offer_updated(offer, active=True))
    return supplier
