"""A member changes an open need before the cutoff: quantity, flexibility (``up_to``),
day, site or note, by the rules a posted need keeps, announced to pooling as
``catalog.need.changed`` (pooling takes it while the need is open in the pool)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Need
from catalog.domain.model import NeedStatus
from shared.db import utcnow
from shared.errors import Conflict
from shared.events import NeedChanged
from shared.outbox import Outbox

POOLED = ("quantity", "up_to", "needed_by", "delivery_site")  # what pooling hears of


@dataclass(frozen=True)
class ChangeNeed:
    """The need's fields as they are to be: every one given (a PATCH merges first)."""

    quantity: Decimal
    up_to: Decimal | None
    needed_by: date | None
    delivery_site: str | None
    note: str | None


def change_need(session: Session, outbox: Outbox, need: Need, change: ChangeNeed) -> Need:
    """Change ``need`` (held locked by the caller) while it is open and its member active;
    announce it when something pooling keeps changed."""
    if need.status != NeedStatus.OPEN:
        raise Conflict("status", f"The need is {need.status} and can no longer be changed.")
    member = session.get(Member, need.member_id)
    if member is None or not member.active:
        raise Conflict("member_id", f"Member {need.member_id} is deactivated.")
    before = tuple(getattr(need, name) for name in POOLED)
    for name in (*POOLED, "note"):
        setattr(need, name, getattr(change, name))
    if before != tuple(getattr(need, name) for name in POOLED):
        outbox.add(
            session,
            NeedChanged(
                need_id=need.id,
                member_id=need.member_id,
                sku=need.product.sku,
                quantity=need.quantity,
                up_to=need.up_to,
                needed_by=need.needed_by,
                delivery_site=need.delivery_site,
                changed_at=utcnow(),
            ),
        )
    return need
