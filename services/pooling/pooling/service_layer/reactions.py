"""How pooling follows the catalog: its copy of offers and terms, and the needs of the pool."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.repository import PoolRepository
from shared.consumer import Handler
from shared.db import insert_new_only
from shared.events import Event

log = logging.getLogger(__name__)
WINDOW_KEY = "pooling.open_window"


def on_supplier_updated(session: Session, event: Event) -> None:
    data = event.payload
    terms = session.get(orm.SupplierTerms, data["supplier_id"]) or orm.SupplierTerms(
        supplier_id=data["supplier_id"]
    )
    terms.name = data["name"]
    terms.shipping_fee = data["shipping_fee"]
    terms.free_shipping_from = data["free_shipping_from"]
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


def on_need_posted(session: Session, event: Event, schedule: CutoffSchedule) -> None:
    """Put the need into the current window, once; a cancelled need stays out."""
    data = event.payload
    window = _current_window(session, schedule)
    db = session.connection()
    added = db.execute(
        insert_new_only(orm.PooledNeed.__table__, db.dialect.name),
        {
            "need_id": data["need_id"],
            "member_id": data["member_id"],
            "sku": data["sku"],
            "quantity": data["quantity"],
            "status": "open",
            "window_id": window.id,
            "posted_at": data["posted_at"],
            "delivery_site": data["delivery_site"],
            "joined_at": datetime.now(UTC),
            "correlation_id": event.correlation_id,
        },
    )
    if added.rowcount == 0:
        log.info("need %s is known already", data["need_id"])


def _current_window(session: Session, schedule: CutoffSchedule) -> orm.Window:
    """The open window, locked against a close until the transaction ends: looked up
    once per transaction, however many needs a batch of events brings."""
    window = session.info.get(WINDOW_KEY)
    if window is None:
        window = PoolRepository(session, schedule).current_or_new_window(lock="share")
        session.info[WINDOW_KEY] = window
    return window


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
        "catalog.need.posted": partial(on_need_posted, schedule=schedule),
        "catalog.need.cancelled": on_need_cancelled,
    }
