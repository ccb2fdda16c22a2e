"""How pooling follows the catalog: its copy of offers and terms, and the needs of the pool."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.repository import PoolRepository
from shared.consumer import Handler, Together
from shared.db import insert_new_only
from shared.events import Event

log = logging.getLogger(__name__)
WINDOW_KEY = "pooling.open_window"
_POOLED_NEEDS = orm.PooledNeed.__table__


def on_supplier_updated(session: Session, event: Event) -> None:
    data = event.payload
    terms = session.get(orm.SupplierTerms, data["supplier_id"]) or orm.SupplierTerms(
        supplier_id=data["supplier_id"]
    )
    terms.name = data["name"]
    terms.shipping_fee = data["shipping_fee"]
    terms.free_shipping_from = data["free_shipping_from"]
    terms.active = data["active"]
    session.add(terms)


def on_offer_updated(session: Session, event: Event) -> None:
    data = event.payload
    offer = session.get(orm.Offer, (data["supplier_id"], data["sku"])) or orm.Offer(
        supplier_id=data["supplier_id"], sku=data["sku"]
    )
    offer.product_name = data["product_name"]
    offer.unit = data["unit"]
    offer.pack_size = data["pack_size"]
    offer.tiers = [[_text(t["min_quantity"]), _text(t["unit_price"])] for t in data["tiers"]]
    offer.active = data["active"]
    session.add(offer)
    session.add(
        orm.OfferVersion(
            supplier_id=offer.supplier_id,
            sku=offer.sku,
            pack_size=offer.pack_size,
            tiers=offer.tiers,
            active=offer.active,
            announced_at=event.occurred_at,
            valid_from=data.get("valid_from"),
        )
    )


def on_needs_posted(session: Session, posted: Sequence[Event], schedule: CutoffSchedule) -> None:
    """Put the needs into the current window, each once, in one statement; a cancelled
    need stays out (its tombstone holds the key)."""
    window_id = _current_window_id(session, schedule)
    joined_at = datetime.now(UTC)
    rows = [
        {
            "need_id": event.payload["need_id"],
            "member_id": event.payload["member_id"],
            "sku": event.payload["sku"],
            "quantity": event.payload["quantity"],
            "status": "open",
            "window_id": window_id,
            "posted_at": event.payload["posted_at"],
            "delivery_site": event.payload["delivery_site"],
            "joined_at": joined_at,
            "correlation_id": event.correlation_id,
        }
        for event in posted
    ]
    db = session.connection()
    added = db.execute(insert_new_only(_POOLED_NEEDS, db.dialect.name, returning="need_id"), rows)
    for need_id in {row["need_id"] for row in rows} - set(added.scalars()):
        log.info("need %s is known already", need_id)


def _current_window_id(session: Session, schedule: CutoffSchedule) -> int:
    """The open window's id, the window locked against a close until the transaction
    ends: looked up once per transaction, however many needs a batch of events brings."""
    window_id = session.info.get(WINDOW_KEY)
    if window_id is None:
        window_id = PoolRepository(session, schedule).current_or_new_window_id(lock="share")
        session.info[WINDOW_KEY] = window_id
    return window_id


def on_need_cancelled(session: Session, event: Event) -> None:
    """Take the need out of the pool; if it has not arrived yet, keep a tombstone."""
    data = event.payload
    need = session.get(orm.PooledNeed, data["need_id"])
    if need is None:
        session.add(
            orm.PooledNeed(
                need_id=data["need_id"],
                member_id=data["member_id"],
                sku=data["sku"],
                quantity=Decimal(0),
                status="cancelled",
            )
        )
    elif need.status == "open":
        need.status = "cancelled"
    else:
        log.warning("need %s is %s; its cancellation comes too late", need.need_id, need.status)


def _text(value: Decimal) -> str:
    return format(value, "f")


def handlers(schedule: CutoffSchedule) -> dict[str, Handler]:
    return {
        "catalog.supplier.updated": on_supplier_updated,
        "catalog.offer.updated": on_offer_updated,
        "catalog.need.posted": Together(partial(on_needs_posted, schedule=schedule)),
        "catalog.need.cancelled": on_need_cancelled,
    }
