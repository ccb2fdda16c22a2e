"""How the catalog follows what happens to orders, so a member always sees the truth."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Need
from catalog.domain.model import NeedStatus
from catalog.service_layer.handlers import cancel_need
from shared.consumer import Handler
from shared.events import (
    DepotServed,
    NeedChangeRefused,
    NeedWithdrawn,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
)
from shared.outbox import Outbox

log = logging.getLogger(__name__)


def on_order_placed(session: Session, event: OrderPlaced) -> None:
    """The needs are ordered, also those whose cancellation came after the close took them;
    a need pooling has withdrawn (an earlier order of it was rejected) stays cancelled."""
    order_id = event.order_id
    need_ids = [a["need_id"] for line in event.lines for a in line["allocations"]]
    for need in _needs(session, need_ids):
        if need.status == NeedStatus.CANCELLED:
            log.info("need %s was withdrawn after order %s", need.id, order_id)
            continue
        if need.status == NeedStatus.CANCEL_REQUESTED:
            log.info("need %s was ordered (order %s) before its cancellation", need.id, order_id)
        need.status = NeedStatus.ORDERED
        need.order_id = order_id


def on_need_withdrawn(session: Session, event: NeedWithdrawn) -> None:
    """Pooling withdrew the need for good: it is cancelled, whatever came before."""
    for need in _needs(session, [event.need_id]):
        need.status = NeedStatus.CANCELLED
        need.order_id = None


def on_need_change_refused(session: Session, event: NeedChangeRefused) -> None:
    """A change came after the close took the need: it shows again what the pool ordered."""
    for need in _needs(session, [event.need_id]):
        log.info("need %s was ordered before its change; it stays as ordered", need.id)
        need.quantity, need.up_to = event.quantity, event.up_to
        need.delivery_site, need.needed_by = event.delivery_site, event.needed_by


def on_order_confirmed(session: Session, event: OrderConfirmed, outbox: Outbox) -> None:
    """The order's needs are confirmed; those of the lines the supplier declined (rule 8)
    go back into the pool, as a rejected order's do."""
    for need in _needs(session, event.need_ids):
        if need.order_id == event.order_id:
            need.status = NeedStatus.CONFIRMED
    returned = [need["need_id"] for need in event.returned_needs]
    _back_to_open(session, outbox, returned, event.order_id)


def on_order_rejected(session: Session, event: OrderRejected, outbox: Outbox) -> None:
    _back_to_open(session, outbox, event.need_ids, event.order_id)


def on_order_received(session: Session, event: OrderReceived) -> None:
    """The office booked what arrived (rule 10): each need shows what it received (with
    what the depot served it, if it served a part); a correction (a later revision)
    replaces the figures."""
    received = {a["need_id"]: a["received"] for line in event.lines for a in line["allocations"]}
    for need in _needs(session, received):
        if need.order_id == event.order_id:
            need.status = NeedStatus.RECEIVED
            need.received_quantity = received[need.id] + (need.depot_quantity or 0)


def on_depot_served(session: Session, event: DepotServed) -> None:
    """A close served needs from the depot first (rule 11): each shows what the depot
    served it; one served whole is ``served`` (it is in no order), one served in part
    waits for its order's events as any ordered need. A need withdrawn stays cancelled."""
    served: dict[int, Decimal] = {}
    whole: set[int] = set()
    for part in event.allocations:
        served[part["need_id"]] = served.get(part["need_id"], Decimal(0)) + part["quantity"]
        if part["rest_quantity"] == 0:
            whole.add(part["need_id"])
    for need in _needs(session, served):
        if need.status == NeedStatus.CANCELLED:
            log.info("need %s was withdrawn before the depot served it", need.id)
            continue
        need.depot_quantity = served[need.id]
        if need.id in whole:
            need.status, need.order_id = NeedStatus.SERVED, None


def _back_to_open(session: Session, outbox: Outbox, need_ids: Iterable[int], order_id: int) -> None:
    """The needs go back into the pool, except those of a member deactivated meanwhile."""
    for need in _needs(session, need_ids):
        if need.order_id == order_id:
            need.status = NeedStatus.OPEN
            need.order_id = None
            member = session.get(Member, need.member_id)
            if member is not None and not member.active:
                cancel_need(session, outbox, need)


def _needs(session: Session, need_ids: Iterable[int]) -> list[Need]:
    """The needs, locked (in id order) against a member's cancellation until the end of the
    transaction."""
    query = select(Need).where(Need.id.in_(list(need_ids))).order_by(Need.id).with_for_update()
    return list(session.scalars(query))


def handlers(outbox: Outbox) -> dict[str, Handler]:
    """Each event catalog consumes and its handler; ``outbox`` takes the cancellations of
    needs that go back to the pool for a member deactivated meanwhile."""
    return {
        "pooling.order.placed": on_order_placed,
        "pooling.order.confirmed": partial(on_order_confirmed, outbox=outbox),
        "pooling.order.rejected": partial(on_order_rejected, outbox=outbox),
        "pooling.order.received": on_order_received,
        "pooling.need.withdrawn": on_need_withdrawn,
        "pooling.need.change_refused": on_need_change_refused,
        "pooling.depot.served": on_depot_served,
    }
