"""How the catalog follows what happens to orders, so a member always sees the truth."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Need
from catalog.domain.model import NeedStatus
from shared.events import Event

log = logging.getLogger(__name__)


def on_order_placed(session: Session, event: Event) -> None:
    order_id = event.payload["order_id"]
    need_ids = [a["need_id"] for line in event.payload["lines"] for a in line["allocations"]]
    for need in _needs(session, need_ids):
        if need.status == NeedStatus.CANCELLED:
            log.warning("need %s was cancelled but went into order %s", need.id, order_id)
        need.status = NeedStatus.ORDERED
        need.order_id = order_id


def on_order_confirmed(session: Session, event: Event) -> None:
    for need in _needs(session, event.payload["need_ids"]):
        if need.order_id == event.payload["order_id"]:
            need.status = NeedStatus.CONFIRMED


def on_order_rejected(session: Session, event: Event) -> None:
    for need in _needs(session, event.payload["need_ids"]):
        if need.order_id == event.payload["order_id"]:
            need.status = NeedStatus.OPEN
            need.order_id = None


def _needs(session: Session, need_ids: Iterable[int]) -> list[Need]:
    return list(session.scalars(select(Need).where(Need.id.in_(list(need_ids)))))


HANDLERS = {
    "pooling.order.placed": on_order_placed,
    "pooling.order.confirmed": on_order_confirmed,
    "pooling.order.rejected": on_order_rejected,
}
