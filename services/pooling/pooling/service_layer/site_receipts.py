"""Rule 10 at a delivery site: the member there books what arrived, for that site; the
sites' parts become the order's receipt once they account for all of it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pooling.adapters import order_book, orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.domain.optimise import Solver
from pooling.domain.site_receipt import Site, check_site_receipt, receipt_from_sites
from pooling.service_layer.commands import BookReceipt, BookSiteReceipt
from pooling.service_layer.receiving import book_receipt
from shared.errors import Conflict, Forbidden
from shared.outbox import Outbox


def book_site_receipt(
    session: Session,
    outbox: Outbox,
    schedule: CutoffSchedule,
    solve: Solver,
    cmd: BookSiteReceipt,
) -> orm.Order:
    """The site's part, once, while the order waits for its receipt (409 otherwise);
    the order's receipt too when the sites' parts are all of it."""
    order = order_book.locked_order(session, cmd.order_id)
    check_member(order, cmd.member_id)
    order_book.state_of(order).receive(short=False)  # refused (409) unless confirmed
    placed = order_book.supplier_order(order)
    site = Site.of(cmd.member_id, cmd.delivery_site)
    received = check_site_receipt(placed, site, cmd.received)
    booked = site_parts(session, order.id)
    if site in booked:
        raise Conflict("delivery_site", f"What arrived at {site.name} is booked already.")
    session.add_all(
        orm.SiteReceipt(
            order_id=order.id,
            member_id=site.member_id,
            delivery_site=site.name,
            sku=sku,
            received_quantity=quantity,
        )
        for sku, quantity in sorted(received.items())
    )
    session.flush()
    whole = receipt_from_sites(placed, [*booked.items(), (site, received)])
    if whole is not None:
        return book_receipt(session, outbox, schedule, solve, BookReceipt(order.id, whole))
    return order


def check_member(order: orm.Order, member_id: int) -> None:
    """Refuse (403) a member without a need in the order."""
    if not any(a.member_id == member_id for line in order.lines for a in line.allocations):
        raise Forbidden("order_id", "This order holds no need of yours.")


def site_parts(
    session: Session, order_id: int, member_id: int | None = None
) -> dict[Site, dict[str, Decimal]]:
    """The sites' booked parts of the order (one member's only, if given)."""
    query = select(orm.SiteReceipt).where(orm.SiteReceipt.order_id == order_id)
    if member_id is not None:
        query = query.where(orm.SiteReceipt.member_id == member_id)
    parts: dict[Site, dict[str, Decimal]] = {}
    for row in session.scalars(query.order_by(orm.SiteReceipt.id)):
        parts.setdefault(Site(row.member_id, row.delivery_site), {})[row.sku] = (
            row.received_quantity
        )
    return parts
