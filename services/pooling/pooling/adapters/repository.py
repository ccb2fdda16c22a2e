"""Reading and writing pooling state; converts rows to the pure domain and back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.domain import model

Lock = Literal["share", "update"] | None


class PoolRepository:
    def __init__(self, session: Session, schedule: CutoffSchedule) -> None:
        self.session = session
        self.schedule = schedule

    def current_window(self, *, lock: Lock = None) -> orm.Window | None:
        """The open window; ``lock="share"`` to add needs to it, ``"update"`` to close it.

        On PostgreSQL a locked read waits for a close in progress and then no
        longer sees the window it closed.
        """
        query = select(orm.Window).where(orm.Window.status == "open")
        if lock is not None:
            query = query.with_for_update(read=lock == "share")
        return self.session.scalars(query.limit(1)).first()

    def current_or_new_window(self, *, lock: Lock = None) -> orm.Window:
        window = self.current_window(lock=lock)
        if window is None:
            now = datetime.now(UTC)
            window = orm.Window(
                status="open",
                opened_at=now,
                closes_at=self.schedule.next_after(now),
            )
            self.session.add(window)
            self.session.flush()
        return window

    def due_windows(self, now: datetime) -> list[int]:
        query = select(orm.Window.id).where(
            orm.Window.status == "open", orm.Window.closes_at <= now
        )
        return list(self.session.scalars(query))

    def open_needs(self, window_id: int) -> list[orm.PooledNeed]:
        query = (
            select(orm.PooledNeed)
            .where(orm.PooledNeed.window_id == window_id, orm.PooledNeed.status == "open")
            .order_by(orm.PooledNeed.need_id)
        )
        return list(self.session.scalars(query))

    def offers(self) -> dict[str, list[model.Offer]]:
        offers: dict[str, list[model.Offer]] = defaultdict(list)
        for row in self.session.scalars(select(orm.Offer).where(orm.Offer.active)):
            offers[row.sku].append(to_offer(row))
        return dict(offers)

    def supplier_terms(self) -> dict[int, model.SupplierTerms]:
        return {
            row.supplier_id: model.SupplierTerms(
                row.supplier_id, row.shipping_fee, row.free_shipping_from
            )
            for row in self.session.scalars(select(orm.SupplierTerms))
        }

    def member_allocations(
        self, window_id: int, member_id: int
    ) -> list[tuple[orm.Allocation, str]]:
        """The member's allocations (with their SKU) in the window's orders still standing."""
        query = (
            select(orm.Allocation, orm.OrderLine.sku)
            .join(orm.OrderLine, orm.Allocation.line_id == orm.OrderLine.id)
            .join(orm.Order, orm.OrderLine.order_id == orm.Order.id)
            .where(
                orm.Order.window_id == window_id,
                orm.Order.status != "rejected",
                orm.Allocation.member_id == member_id,
            )
        )
        return [(allocation, sku) for allocation, sku in self.session.execute(query)]

    def order(self, order_id: int) -> orm.Order | None:
        return self.session.get(orm.Order, order_id)


def to_offer(row: orm.Offer) -> model.Offer:
    tiers = tuple(model.Tier(Decimal(q), Decimal(p)) for q, p in row.tiers)
    return model.Offer(row.supplier_id, row.sku, row.pack_size, tiers)


def to_needs(rows: Sequence[orm.PooledNeed]) -> list[model.Need]:
    return [model.Need(r.need_id, r.member_id, r.sku, r.quantity) for r in rows]


def order_row(window_id: int, order: model.SupplierOrder) -> orm.Order:
    return orm.Order(
        window_id=window_id,
        supplier_id=order.supplier_id,
        status="placed",
        shipping_fee=order.shipping_fee,
        total=order.total,
        lines=[
            orm.OrderLine(
                sku=line.sku,
                packs=line.packs,
                ordered_quantity=line.ordered_quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
                surplus_quantity=line.surplus_quantity,
                allocations=[
                    orm.Allocation(
                        need_id=a.need_id,
                        member_id=a.member_id,
                        quantity=a.quantity,
                        goods=a.goods,
                        shipping_share=a.shipping_share,
                        paid=a.paid,
                    )
                    for a in line.allocations
                ],
            )
            for line in order.lines
        ],
    )
