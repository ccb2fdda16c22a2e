"""The office changes and removes members and suppliers; the other services follow by events.

Removing deactivates, it never deletes: history stays whole, and an id (with the API
tokens issued for it) is never given to another firm, on SQLite as on PostgreSQL. A
deactivated member cannot sign in or post, and its open needs are cancelled; a
deactivated supplier's offers are withdrawn from pooling. Both can be reactivated.
"""

from __future__ import annotations

from catalog.service_layer import commands
from catalog.service_layer.handlers import (
    member_facts,
    member_registered,
    offer_updated,
    request_cancellation,
    supplier_updated,
)
from catalog.service_layer.records import MemberRecord, SupplierRecord
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.errors import NotFound


def change_member(cmd: commands.ChangeMember, uow: UnitOfWork) -> MemberRecord:
    member = _member(uow, cmd.member_id)
    for name, value in member_facts(cmd).items():
        setattr(member, name, value)
    uow.publish(member_registered(member))
    return member


def set_flexibility(cmd: commands.SetFlexibility, uow: UnitOfWork) -> MemberRecord:
    """The flexibility of the needs the member posts from now on (0: none)."""
    member = _member(uow, cmd.member_id)
    member.flexible_percent = cmd.flexible_percent or None
    return member


def remove_member(cmd: commands.RemoveMember, uow: UnitOfWork) -> MemberRecord:
    """Deactivate a member: no sign-in, no new needs, its open needs cancelled."""
    member = _member(uow, cmd.member_id)
    for need in uow.needs.open_of_member(cmd.member_id):
        request_cancellation(need, uow)
    member.active = False
    uow.publish(member_registered(member))
    return member


def reactivate_member(cmd: commands.ReactivateMember, uow: UnitOfWork) -> MemberRecord:
    member = _member(uow, cmd.member_id)
    member.active = True
    uow.publish(member_registered(member))
    return member


def remove_supplier(cmd: commands.RemoveSupplier, uow: UnitOfWork) -> SupplierRecord:
    """Deactivate a supplier: its offers are withdrawn from the pool, its sign-ins stop."""
    supplier = _supplier(uow, cmd.supplier_id)
    supplier.active = False
    uow.publish(supplier_updated(supplier))
    uow.publish_all([offer_updated(o, active=False) for o in uow.offers.of_supplier(supplier.id)])
    return supplier


def reactivate_supplier(cmd: commands.ReactivateSupplier, uow: UnitOfWork) -> SupplierRecord:
    """The supplier and its offers, as they were, back in the pool."""
    supplier = _supplier(uow, cmd.supplier_id)
    supplier.active = True
    uow.publish(supplier_updated(supplier))
    uow.publish_all([offer_updated(o, active=True) for o in uow.offers.of_supplier(supplier.id)])
    return supplier


def _member(uow: UnitOfWork, member_id: int) -> MemberRecord:
    member = uow.members.get(member_id)
    if member is None:
        raise NotFound("member_id", f"There is no member {member_id}.")
    return member


def _supplier(uow: UnitOfWork, supplier_id: int) -> SupplierRecord:
    supplier = uow.suppliers.get(supplier_id)
    if supplier is None:
        raise NotFound("supplier_id", f"There is no supplier {supplier_id}.")
    return supplier
