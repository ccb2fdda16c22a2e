"""How the catalog follows what happens to orders, so a member always sees the truth."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal

from catalog.domain.model import NeedStatus
from catalog.service_layer.handlers import request_cancellation
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.events import (
    DepotServed,
    NeedChangeRefused,
    NeedWithdrawn,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
)

log = logging.getLogger(__name__)


def on_order_placed(event: OrderPlaced, uow: UnitOfWork) -> None:
    """The needs are ordered, also those whose cancellation came after the close took them;
    a need pooling has withdrawn (an earlier order of it was rejected) stays cancelled."""
    order_id = event.order_id
    need_ids = [a["need_id"] for line in event.lines for a in line["allocations"]]
    for need in uow.needs.locked(need_ids):
        if need.status == NeedStatus.CANCELLED:
            log.info("need %s was withdrawn after order %s", need.id, order_id)
            continue
        if need.status == NeedStatus.CANCEL_REQUESTED:
            log.info("need %s was ordered (order %s) before its cancellation", need.id, order_id)
        need.status = NeedStatus.ORDERED
        need.order_id = order_id


def on_need_withdrawn(event: NeedWithdrawn, uow: UnitOfWork) -> None:
    """Pooling withdrew the need for good: it is cancelled, whatever came before."""
    for need in uow.needs.locked([event.need_id]):
        need.status = NeedStatus.CANCELLED
        need.order_id = None


def on_need_change_refused(event: NeedChangeRefused, uow: UnitOfWork) -> None:
    """A change came after the close took the need: it shows again what the pool ordered."""
    for need in uow.needs.locked([event.need_id]):
        log.info("need %s was ordered before its change; it stays as ordered", need.id)
        need.quantity, need.up_to = event.quantity, event.up_to
        need.delivery_site, need.needed_by = event.delivery_site, event.needed_by


def on_order_confirmed(event: OrderConfirmed, uow: UnitOfWork) -> None:
    """The order's needs are confirmed; those of the lines the supplier declined (rule 8)
    go back into the pool, as a rejected order's do."""
    for need in uow.needs.locked(event.need_ids):
        if need.order_id == event.order_id:
            need.status = NeedStatus.CONFIRMED
    returned = [need["need_id"] for need in event.returned_needs]
    _back_to_open(uow, returned, event.order_id)


def on_order_rejected(event: OrderRejected, uow: UnitOfWork) -> None:
    _back_to_open(uow, event.need_ids, event.order_id)


def on_order_received(event: OrderReceived, uow: UnitOfWork) -> None:
    """The office booked what arrived (rule 10): each need shows what it received (with
    what the depot served it, if it served a part); a correction (a later revision)
    replaces the figures."""
    received = {a["need_id"]: a["received"] for line in event.lines for a in line["allocations"]}
    for need in uow.needs.locked(received):
        if need.order_id == event.order_id:
            need.status = NeedStatus.RECEIVED
            need.received_quantity = received[need.id] + (need.depot_quantity or 0)


def on_depot_served(event: DepotServed, uow: UnitOfWork) -> None:
    """A close served needs from the depot first (rule 11): each shows what the depot
    served it; one served whole is ``served`` (it is in no order), one served in part
    waits for its order's events as any ordered need. A need withdrawn stays cancelled."""
    served: dict[int, Decimal] = {}
    whole: set[int] = set()
    for part in event.allocations:
        served[part["need_id"]] = served.get(part["need_id"], Decimal(0)) + part["quantity"]
        if part["rest_quantity"] == 0:
            whole.add(part["need_id"])
    for need in uow.needs.locked(served):
        if need.status == NeedStatus.CANCELLED:
            log.info("need %s was withdrawn before the depot served it", need.id)
            continue
        need.depot_quantity = served[need.id]
        if need.id in whole:
            need.status, need.order_id = NeedStatus.SERVED, None


def _back_to_open(uow: UnitOfWork, need_ids: Iterable[int], order_id: int) -> None:
    """The needs go back into the pool, except those of a member deactivated meanwhile."""
    for need in uow.needs.locked(need_ids):
        if need.order_id == order_id:
            need.status = NeedStatus.OPEN
            need.order_id = None
            member = uow.members.get(need.member_id)
            if member is not None and not member.active:
                request_cancellation(need, uow)


# Each event catalog consumes and its handler; bootstrap gives each a unit of work over the
# message's session (its outbox takes the cancellations of needs that go back to the pool
# for a member deactivated meanwhile).
HANDLERS = {
    "pooling.order.placed": on_order_placed,
    "pooling.order.confirmed": on_order_confirmed,
    "pooling.order.rejected": on_order_rejected,
    "pooling.order.received": on_order_received,
    "pooling.need.withdrawn": on_need_withdrawn,
    "pooling.need.change_refused": on_need_change_refused,
    "pooling.depot.served": on_depot_served,
}
