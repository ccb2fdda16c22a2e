"""The orders a close places, stored in a few bulk statements (orders, their lines, the
lines' allocations, the needs marked ordered), and their figures as stored and announced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.bulk import insert_rows, insert_rows_returning_ids
from pooling.domain import model
from pooling.domain.receipt import ReceivedAllocation


@dataclass(frozen=True)
class PlacedOrder:
    """A supplier order as the close stored it (the shape of the order API and event)."""

    id: int
    window_id: int
    supplier_id: int
    lines: tuple[model.OrderLine, ...]
    shipping_fee: Decimal
    total: Decimal
    placed_at: datetime
    status: str = "placed"
    expected_delivery: None = None
    reject_reason: None = None


def save_orders(
    session: Session, window_id: int, orders: Sequence[model.SupplierOrder]
) -> list[PlacedOrder]:
    """Store a close's orders, lines and allocations in a few bulk statements, and mark
    their needs ordered."""
    now = datetime.now(UTC)
    order_ids = insert_rows_returning_ids(
        session,
        orm.Order.__table__,
        ORDER_FIELDS,
        [(window_id, o.supplier_id, "placed", o.shipping_fee, o.total, now) for o in orders],
    )
    lines = [
        (order_id, line) for order_id, o in zip(order_ids, orders, strict=True) for line in o.lines
    ]
    line_ids = insert_rows_returning_ids(
        session,
        orm.OrderLine.__table__,
        ("order_id", *LINE_FIELDS),
        [(order_id, *_line_values(line)) for order_id, line in lines],
    )
    allocations = [
        (line_id, *_allocation_values(a))
        for line_id, (_oid, line) in zip(line_ids, lines, strict=True)
        for a in line.allocations
    ]
    insert_rows(session, orm.Allocation.__table__, ("line_id", *ALLOCATION_FIELDS), allocations)
    _mark_ordered(session, order_ids)
    return [
        PlacedOrder(oid, window_id, o.supplier_id, o.lines, o.shipping_fee, o.total, now)
        for oid, o in zip(order_ids, orders, strict=True)
    ]


def _mark_ordered(session: Session, order_ids: list[int]) -> None:
    """Mark each need allocated in these orders ordered, with its order: one statement."""
    allocation, line, need = orm.Allocation, orm.OrderLine, orm.PooledNeed
    placed = (
        select(allocation.need_id, line.order_id)
        .join(line, allocation.line_id == line.id)
        .where(line.order_id.in_(order_ids))
        .subquery()
    )
    session.execute(
        update(need)
        .where(need.need_id == placed.c.need_id)
        .values(status="ordered", order_id=placed.c.order_id)
        .execution_options(synchronize_session=False)  # the close reads them no more
    )


ORDER_FIELDS = ("window_id", "supplier_id", "status", "shipping_fee", "total", "placed_at")
LINE_FIELDS = ("sku", "packs", "ordered_quantity", "unit_price", "line_total", "surplus_quantity")
_line_values = attrgetter(*LINE_FIELDS)


def line_fields(line: model.OrderLine) -> dict[str, object]:
    """An order line's own figures, as stored and as announced."""
    return dict(zip(LINE_FIELDS, _line_values(line), strict=True))


ALLOCATION_FIELDS = (
    "need_id",
    "member_id",
    "quantity",
    "goods",
    "shipping_share",
    "paid",
    "delivery_site",
    "extra_quantity",
    "needed_by",
)
_allocation_values = attrgetter(*ALLOCATION_FIELDS)  # the values, as a tuple in that order


def allocation_fields(
    a: model.Allocation | orm.Allocation | ReceivedAllocation,
) -> dict[str, object]:
    """An allocation's own figures, as stored and as announced."""
    return dict(zip(ALLOCATION_FIELDS, _allocation_values(a), strict=True))
