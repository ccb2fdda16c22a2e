"""Pooling's use cases: close the pool, report its progress."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.placed_orders import PlacedOrder, line_fields
from pooling.domain.closing import decide_window
from pooling.domain.model import Allocation, WindowResult
from pooling.domain.optimise import Solver
from pooling.domain.progress import ProductProgress, pool_progress
from pooling.service_layer import serving
from pooling.service_layer.commands import ClosePool, ReportProgress
from pooling.service_layer.decisions import savings_fields
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWork
from shared.db import transaction
from shared.errors import Conflict
from shared.events import OrderPlaced, PoolProgressed
from shared.heap import collection_paused
from shared.outbox import Outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClosedPool:
    window: orm.Window
    orders: list[PlacedOrder]
    result: WindowResult


@collection_paused()  # a close builds many short-lived objects: see shared.heap
def close_pool(
    cmd: ClosePool, uow: UnitOfWork, *, solve: Solver, today: Callable[[], date]
) -> ClosedPool:
    """Close the current window (or ``cmd.window_id`` if it is still the current one):
    price it, store the orders, announce them. Two closes at once: one wins, one gets 409."""
    pool = uow.pool
    if cmd.window_id is None:
        pool.current_or_new_window()
    window = pool.current_window(lock="update")
    if window is None or (cmd.window_id is not None and window.id != cmd.window_id):
        raise Conflict("window_id", "That round is closed already.")
    needs = pool.open_needs(window.id)
    window.prices_fixed_at = pool.prices_fixed_at(window) or datetime.now(UTC)
    lots = uow.depot.locked_stock({need.sku for need in needs})  # rule 11 first
    versions = pool.offer_versions()  # read once: to price with, then to prune
    offers, terms = pool.offers(window, versions), pool.supplier_terms()
    decided = decide_window(needs, offers, terms, solve, lots, today())
    posted_under = uow.needs.correlation_ids(window.id)
    if decided.depot is not None:
        serving.store_served(uow, window.id, decided.depot)
    orders = uow.orders.place(window.id, decided.orders)  # while the baselines are priced
    result = decided.result()
    if not result.optimal:
        log.warning("window %s closed without a proven optimum (gap %s EUR)", window.id, result.gap)
    _settle(uow, window, result)
    pool.prune_offer_versions(window.closed_at, versions)  # the next window starts after this
    # The orders first: a consumer of both on one queue (billing) knows every order of the
    # window when it hears what the depot served.
    savings = announced_savings(result)
    uow.publish_all([order_placed(order, savings, posted_under) for order in orders])
    if result.depot is not None:
        uow.publish(serving.depot_served(uow, window.id, result, posted_under))
    return ClosedPool(window, orders, result)


def _settle(uow: UnitOfWork, window: orm.Window, result: WindowResult) -> None:
    """Close the window with its figures; needs no one offers wait in the next one."""
    uow.pool.store_closed(window, result)
    next_window = uow.pool.current_or_new_window()
    unoffered = [need.need_id for need in result.unoffered_needs]
    uow.needs.move(unoffered, next_window.id, window.closed_at)
    uow.results.add_all(window.id, result.members.values())


def order_placed(
    order: PlacedOrder,
    savings: Mapping[int, dict[str, object]],
    posted_under: Mapping[int, str] | None = None,
) -> OrderPlaced:
    """The order as announced, with the window's ``savings`` (``announced_savings``) of
    each of its members; each allocation names the correlation id its need was posted
    under (``posted_under``), so the need's story can be followed to its report."""
    members = sorted({a.member_id for line in order.lines for a in line.allocations})
    posted_under = posted_under or {}
    return OrderPlaced(
        order_id=order.id,
        window_id=order.window_id,
        supplier_id=order.supplier_id,
        lines=[
            line_fields(line)
            | {"allocations": [announced(a, posted_under.get(a.need_id)) for a in line.allocations]}
            for line in order.lines
        ],
        shipping_fee=order.shipping_fee,
        total=order.total,
        member_savings=[savings[member_id] for member_id in members],
    )


def announced_savings(result: WindowResult) -> dict[int, dict[str, object]]:
    """Each member's savings of the window as every order placed for it carries them
    (``savings_fields``), the figures as text already: a member is in many orders."""
    return {
        member_id: {
            name: format(value, "f") if isinstance(value, Decimal) else value
            for name, value in savings_fields(member).items()
        }
        for member_id, member in result.members.items()
    }


def announced(a: Allocation, correlation_id: str | None) -> dict[str, object]:
    """An allocation as ``OrderPlaced`` carries it (``allocation_fields`` and the id its
    need was posted under), its figures as the event's text already: a close announces
    tens of thousands, and formatting them here costs less than the JSON encoder's call
    back for each decimal."""
    return {
        "need_id": a.need_id,
        "member_id": a.member_id,
        "quantity": format(a.quantity, "f"),
        "goods": format(a.goods, "f"),
        "shipping_share": format(a.shipping_share, "f"),
        "paid": format(a.paid, "f"),
        "delivery_site": a.delivery_site,
        "extra_quantity": format(a.extra_quantity, "f"),
        "needed_by": None if a.needed_by is None else a.needed_by.isoformat(),
        "correlation_id": correlation_id,
    }


def report_progress(cmd: ReportProgress, uow: UnitOfWork) -> bool:
    """Announce the open window's progress if it changed since the last announcement.

    Called every few seconds, so a burst of needs makes one event, not one per need.
    The window's needs are read without locking it, so needs keep joining meanwhile;
    the announcement is then claimed by a conditional update (none if the window
    closed, or another reporter announced this change, in between).
    """
    pool = uow.pool
    window = pool.current_window()
    if window is None:
        return False
    open_demand = pool.open_demand(window.id)
    if open_demand.signature == window.progress_signature:
        return False
    holdings = uow.depot.holdings()
    progress = pool_progress(
        open_demand.demand, pool.offers(window), holdings, open_demand.flexible
    )
    if not pool.claim_progress(window, open_demand.signature):  # locks the window: last
        return False
    uow.publish(PoolProgressed(**progress_payload(window.id, progress)))
    return True


def progress_payload(window_id: int, products: list[ProductProgress]) -> dict[str, object]:
    return {
        "window_id": window_id,
        "products": [
            {
                "sku": p.sku,
                "quantity": p.quantity,
                "depot_quantity": p.depot_quantity,
                "flexible": p.flexible,
                "offers": [
                    {
                        "supplier_id": o.supplier_id,
                        "ordered_quantity": o.ordered_quantity,
                        "unit_price": o.unit_price,
                        "next_tier": None
                        if o.next_tier is None
                        else {
                            "min_quantity": str(o.next_tier.min_quantity),
                            "unit_price": str(o.next_tier.unit_price),
                            "missing": str(o.next_tier.missing),
                            "missing_flexible": str(o.next_tier.missing_flexible),
                        },
                    }
                    for o in p.offers
                ],
            }
            for p in products
        ],
    }


def close_due_windows(
    sessions: sessionmaker[Session], outbox: Outbox, schedule: CutoffSchedule, solve: Solver
) -> list[int]:
    """Close every open window whose cutoff has passed; each close its own transaction."""
    with transaction(sessions) as session:
        due = SqlAlchemyUnitOfWork(session, outbox, schedule).pool.due_windows(datetime.now(UTC))
    closed = []
    for window_id in due:
        try:
            with transaction(sessions) as session:
                uow = SqlAlchemyUnitOfWork(session, outbox, schedule)
                close_pool(ClosePool(window_id), uow, solve=solve, today=schedule.today)
            closed.append(window_id)
        except Conflict:
            log.info("window %s was closed by someone else", window_id)
    return closed
