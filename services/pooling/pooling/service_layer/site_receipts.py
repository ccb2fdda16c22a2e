"""Rule 10 at a delivery site: the member there books what arrived, for that site; the
sites' parts become the order's receipt once they account for all of it."""

from __future__ import annotations

from pooling.adapters import order_book, orm
from pooling.domain.optimise import Solver
from pooling.domain.site_receipt import Site, check_site_receipt, receipt_from_sites
from pooling.service_layer.commands import BookReceipt, BookSiteReceipt
from pooling.service_layer.receiving import Today, book_receipt
from pooling.service_layer.unit_of_work import UnitOfWork
from shared.errors import Conflict, Forbidden


def book_site_receipt(
    cmd: BookSiteReceipt, uow: UnitOfWork, *, solve: Solver, today: Today
) -> orm.Order:
    """The site's part, once, while the order waits for its receipt (409 otherwise);
    the order's receipt too when the sites' parts are all of it."""
    order = uow.orders.locked(cmd.order_id)
    check_member(order, cmd.member_id)
    order_book.state_of(order).receive(short=False)  # refused (409) unless confirmed
    placed = order_book.supplier_order(order)
    site = Site.of(cmd.member_id, cmd.delivery_site)
    received = check_site_receipt(placed, site, cmd.received)
    booked = uow.orders.site_parts(order.id)
    if site in booked:
        raise Conflict("delivery_site", f"What arrived at {site.name} is booked already.")
    uow.orders.add_site_part(order.id, site, received)
    whole = receipt_from_sites(placed, [*booked.items(), (site, received)])
    if whole is not None:
        return book_receipt(BookReceipt(order.id, whole), uow, solve=solve, today=today)
    return order


def check_member(order: orm.Order, member_id: int) -> None:
    """Refuse (403) a member without a need in the order."""
    if not any(a.member_id == member_id for line in order.lines for a in line.allocations):
        raise Forbidden("order_id", "This order holds no need of yours.")
