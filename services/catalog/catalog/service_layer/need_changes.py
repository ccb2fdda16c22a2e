"""A member changes an open need before the cutoff: quantity, flexibility (``up_to``),
day, site or note, by the rules a posted need keeps, announced to pooling as
``catalog.need.changed`` (pooling takes it while the need is open in the pool)."""

from __future__ import annotations

from catalog.domain.model import NeedStatus
from catalog.service_layer.commands import CHANGEABLE, ChangeNeed
from catalog.service_layer.handlers import own_need
from catalog.service_layer.records import NeedRecord
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.db import utcnow
from shared.errors import Conflict, Invalid, NotFound
from shared.events import NeedChanged

POOLED = ("quantity", "up_to", "needed_by", "delivery_site")  # what pooling hears of


def change_need(cmd: ChangeNeed, uow: UnitOfWork) -> NeedRecord:
    """Change the need (held locked) while it is open and its member active; the fields
    not sent stay. Announced when something pooling keeps changed."""
    need = uow.needs.get(cmd.need_id, lock=True)
    if need is None:
        raise NotFound("need_id", f"There is no need {cmd.need_id}.")
    own_need(need, cmd.member_id)
    merged = {name: cmd.changes.get(name, getattr(need, name)) for name in CHANGEABLE}
    if merged["up_to"] is not None and merged["up_to"] < merged["quantity"]:
        raise Invalid("up_to", "Must be at least the quantity.")
    if need.status != NeedStatus.OPEN:
        raise Conflict("status", f"The need is {need.status} and can no longer be changed.")
    member = uow.members.get(need.member_id)
    if member is None or not member.active:
        raise Conflict("member_id", f"Member {need.member_id} is deactivated.")
    before = tuple(getattr(need, name) for name in POOLED)
    for name, value in merged.items():
        setattr(need, name, value)
    if before != tuple(getattr(need, name) for name in POOLED):
        uow.publish(
            NeedChanged(
                need_id=need.id,
                member_id=need.member_id,
                sku=need.product.sku,
                quantity=need.quantity,
                up_to=need.up_to,
                needed_by=need.needed_by,
                delivery_site=need.delivery_site,
                changed_at=utcnow(),
            )
        )
    return need
