"""How pooling follows the catalog: its copy of offers and terms, and the needs of the pool.
Each reaction takes the event and the unit of work it is handled in."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from pooling.service_layer.unit_of_work import UnitOfWork
from shared.events import (
    Event,
    NeedChanged,
    NeedChangeRefused,
    NeedPosted,
    NeedWithdrawn,
    OfferUpdated,
    SupplierUpdated,
)

log = logging.getLogger(__name__)


def on_supplier_updated(event: SupplierUpdated, uow: UnitOfWork) -> None:
    uow.offers.save_supplier(event)


def on_offer_updated(event: OfferUpdated, uow: UnitOfWork) -> None:
    uow.offers.save_offer(event)


def on_needs_posted(posted: Sequence[NeedPosted], uow: UnitOfWork) -> None:
    """Put the needs into the current window, each once, in one statement; a cancelled
    need stays out (its tombstone holds the key)."""
    window_id = uow.needs.open_window_id()
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
    added = uow.needs.add_new(rows)
    for need_id in {row["need_id"] for row in rows} - added:
        log.info("need %s is known already", need_id)


def on_need_cancelled(event: Event, uow: UnitOfWork) -> None:
    """A member cancels a need: withdraw it unless a close has ordered it, and tell catalog.

    Decided under the open window's lock, as a posted need is added: a close in progress
    finishes first (and then the need is ordered: the order placed tells catalog), and a
    close that comes later no longer finds the need. A need not posted yet gets a
    tombstone that keeps its post out, so it is withdrawn as well.

    A need withdrawn already is told once: a cancellation of it again (catalog's event
    sent twice, under another event id than the inbox knows) publishes nothing.
    """
    uow.needs.open_window_id()
    cancelled = event.payload
    need, tombstoned = uow.needs.locked_or_tombstone(
        cancelled["need_id"], cancelled["member_id"], cancelled["sku"]
    )
    if need.status == "cancelled" and not tombstoned:
        log.info("need %s is withdrawn already", need.need_id)
        return
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
    uow.publish(NeedWithdrawn(**withdrawn))


def on_need_changed(event: NeedChanged, uow: UnitOfWork) -> None:
    """A member changed an open need: the pool takes its quantity, flexibility, site and date,
    decided under the open window's lock as a cancellation is; a close that took the
    need first keeps what it ordered, and says so (``pooling.need.change_refused``). A
    change ahead of its post waits for it (retried)."""
    uow.needs.open_window_id()
    need = uow.needs.locked(event.need_id)
    if need is None:
        raise LookupError(f"need {event.need_id} is changed before it is posted")
    if need.status != "open":
        log.info("need %s is %s; its change comes too late", need.need_id, need.status)
        if need.status in ("ordered", "served"):  # catalog shows it as it was ordered
            kept = {"quantity": need.quantity, "up_to": need.up_to, "needed_by": need.needed_by}
            kept |= {"need_id": need.need_id, "member_id": need.member_id, "sku": need.sku}
            uow.publish(NeedChangeRefused(**kept, delivery_site=need.delivery_site))
        return
    need.quantity, need.up_to, need.delivery_site = event.quantity, event.up_to, event.delivery_site
    need.needed_by = event.needed_by
