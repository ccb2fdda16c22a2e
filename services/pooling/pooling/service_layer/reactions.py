"""How pooling follows the catalog: its copy of offers and terms, and the needs of the pool."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.repository import PoolRepository
from shared.consumer import Handler, Together
from shared.db import insert_new_only
from shared.events import (
    Event,
    NeedChanged,
    NeedChangeRefused,
    NeedPosted,
    NeedWithdrawn,
    OfferUpdated,
    SupplierUpdated,
)
from shared.outbox import Outbox

log = logging.getLogger(__name__)
WINDOW_KEY = "pooling.open_window"
_POOLED_NEEDS = orm.PooledNeed.__table__


def on_supplier_updated(session: Session, event: SupplierUpdated) -> None:
    terms = session.get(orm.SupplierTerms, event.supplier_id) or orm.SupplierTerms(
        supplier_id=event.supplier_id
    )
    terms.name = event.name
    terms.shipping_fee = event.shipping_fee
    terms.free_shipping_from = event.free_shipping_from
    terms.active = event.active
    session.add(terms)


def on_offer_updated(session: Session, event: OfferUpdated) -> None:
    offer = session.get(orm.Offer, (event.supplier_id, event.sku)) or orm.Offer(
        supplier_id=event.supplier_id, sku=event.sku
    )
    offer.product_name = event.product_name
    offer.unit = event.unit
    offer.vat_rate = event.vat_rate
    offer.pack_size = event.pack_size
    offer.tiers = [[_text(t["min_quantity"]), _text(t["unit_price"])] for t in event.tiers]
    offer.active = event.active
    session.add(offer)
    session.add(
        orm.OfferVersion(
            supplier_id=offer.supplier_id,
            sku=offer.sku,
            pack_size=offer.pack_size,
            tiers=offer.tiers,
            active=offer.active,
            announced_at=event.occurred_at,
            valid_from=event.valid_from,
        )
    )


def on_needs_posted(
    session: Session, posted: Sequence[NeedPosted], schedule: CutoffSchedule
) -> None:
    """Put the needs into the current window, each once, in one statement; a cancelled
    need stays out (its tombstone holds the key)."""
    window_id = _current_window_id(session, schedule)
    joined_at = datetime.now(UTC)
    rows = [
        {
            "need_id": event.need_id,
            "member_id": event.member_id,
            "sku": event.sku,
            "quantity": event.quantity,
            "status": "open",
            "window_id": window_id,
            "posted_at": event.posted_at,
            "delivery_site": event.delivery_site,
            "joined_at": joined_at,
            "correlation_id": event.correlation_id,
            "up_to": event.up_to,
            "needed_by": event.needed_by,
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


def on_need_cancelled(
    session: Session, event: Event, schedule: CutoffSchedule, outbox: Outbox
) -> None:
    """A member cancels a need: withdraw it unless a close has ordered it, and tell catalog.

    Decided under the open window's lock, as a posted need is added: a close in progress
    finishes first (and then the need is ordered: the order placed tells catalog), and a
    close that comes later no longer finds the need. A need not posted yet gets a
    tombstone that keeps its post out, so it is withdrawn as well.
    """
    _current_window_id(session, schedule)
    need = _pooled_need_locked(session, event.payload)
    if need.status in ("ordered", "served"):  # served: the depot served it whole
        log.info(
            "need %s is %s (order %s); its cancellation comes too late",
            need.need_id,
            need.status,
            need.order_id,
        )
        return
    need.status = "cancelled"
    withdrawn = {"need_id": need.need_id, "member_id": need.member_id, "sku": need.sku}
    outbox.add(session, NeedWithdrawn(**withdrawn))


def on_need_changed(
    session: Session, event: NeedChanged, schedule: CutoffSchedule, outbox: Outbox
) -> None:
    """A member changed an open need: the pool takes its quantity, flexibility, site and date,
    decided under the open window's lock as a cancellation is; a close that took the
    need first keeps what it ordered, and says so (``pooling.need.change_refused``). A
    change ahead of its post waits for it (retried)."""
    _current_window_id(session, schedule)
    need = session.get(orm.PooledNeed, event.need_id, with_for_update=True, populate_existing=True)
    if need is None:
        raise LookupError(f"need {event.need_id} is changed before it is posted")
    if need.status != "open":
        log.info("need %s is %s; its change comes too late", need.need_id, need.status)
        if need.status in ("ordered", "served"):  # catalog shows it as it was ordered
            kept = {"quantity": need.quantity, "up_to": need.up_to, "needed_by": need.needed_by}
            kept |= {"need_id": need.need_id, "member_id": need.member_id, "sku": need.sku}
            outbox.add(session, NeedChangeRefused(**kept, delivery_site=need.delivery_site))
        return
    need.quantity, need.up_to, need.delivery_site = event.quantity, event.up_to, event.delivery_site
    need.needed_by = event.needed_by


def _pooled_need_locked(session: Session, cancelled: dict[str, Any]) -> orm.PooledNeed:
    """The cancelled need's row, locked until the transaction ends; a tombstone (no
    quantity, in no window) when its post has not arrived."""
    tombstone = {
        "need_id": cancelled["need_id"],
        "member_id": cancelled["member_id"],
        "sku": cancelled["sku"],
        "quantity": Decimal(0),
        "status": "cancelled",
    }
    db = session.connection()
    db.execute(insert_new_only(_POOLED_NEEDS, db.dialect.name), tombstone)
    need = session.get(
        orm.PooledNeed, cancelled["need_id"], with_for_update=True, populate_existing=True
    )
    assert need is not None
    return need


def _text(value: Decimal) -> str:
    return format(value, "f")


def handlers(schedule: CutoffSchedule, outbox: Outbox) -> dict[str, Handler]:
    """Each event pooling consumes and its handler; ``outbox`` takes the withdrawals."""
    return {
        "catalog.supplier.updated": on_supplier_updated,
        "catalog.offer.updated": on_offer_updated,
        "catalog.need.posted": Together(partial(on_needs_posted, schedule=schedule)),
        "catalog.need.cancelled": partial(on_need_cancelled, schedule=schedule, outbox=outbox),
        "catalog.need.changed": partial(on_need_changed, schedule=schedule, outbox=outbox),
    }
