"""Billing's repositories on a SQLAlchemy session (``service_layer.unit_of_work``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from billing.adapters.orm import (
    DepotPartRow,
    MemberResultRow,
    MemberRow,
    OrderNeedRow,
    OrderRow,
    ProductRow,
    WindowRow,
)
from billing.domain.model import ZERO, Buyer, Product, ReceivedNeed
from billing.domain.windows import OrderStanding, OrderStatus
from billing.service_layer.commands import DepotPart, MemberResult, RecordOrder
from shared.db import insert_new_only

BUYER_FIELDS = [f.name for f in dataclasses.fields(Buyer)]


class SqlMembers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Buyer | None:
        return self.get_many([member_id]).get(member_id)

    def get_many(self, member_ids: Sequence[int]) -> dict[int, Buyer]:
        found: dict[int, Buyer] = {}
        columns = [getattr(MemberRow, k) for k in BUYER_FIELDS]
        for chunk in _chunks(sorted(member_ids)):
            rows = self.session.execute(select(*columns).where(MemberRow.member_id.in_(chunk)))
            found.update((row.member_id, Buyer(**row._asdict())) for row in rows)
        return found

    def save(self, buyer: Buyer) -> None:
        self.session.merge(MemberRow(**dataclasses.asdict(buyer)))


class SqlProducts:
    """Products as billing knows them; each is read once per unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[str, Product | None] = {}

    def save(self, product: Product) -> None:
        self.session.merge(ProductRow(**dataclasses.asdict(product)))
        self.known[product.sku] = product

    def by_sku(self, skus: set[str]) -> dict[str, Product]:
        unread = sorted(skus - self.known.keys())
        if unread:
            self.known.update(dict.fromkeys(unread))
            rows = self.session.scalars(select(ProductRow).where(ProductRow.sku.in_(unread)))
            self.known.update((r.sku, Product(r.sku, r.name, r.unit, r.vat_rate)) for r in rows)
        return {sku: product for sku in skus if (product := self.known[sku]) is not None}


class SqlOrders:
    """The windows' orders. What was received in a window is read once per unit of work
    for all its members (``_receipts``): the window is locked while it is handled, and this
    unit's own changes to its orders drop what was read."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.locked: set[int] = set()
        self.received: dict[int, dict[int, list[tuple[ReceivedNeed, date | None]]]] = {}
        self.depot: dict[int, dict[int, list[ReceivedNeed]]] = {}
        self.results: dict[int, dict[int, Decimal]] = {}

    def lock_window(self, window_id: int) -> None:
        """The window's row, locked until the transaction ends (FOR UPDATE on PostgreSQL;
        SQLite's writers take the whole file at BEGIN)."""
        if window_id in self.locked:
            return
        table = WindowRow.__table__
        dialect = self.session.get_bind().dialect.name
        self.session.execute(insert_new_only(table, dialect), {"window_id": window_id})
        self.session.execute(
            select(WindowRow.window_id).where(WindowRow.window_id == window_id).with_for_update()
        )
        self.locked.add(window_id)

    def status(self, order_id: int) -> tuple[OrderStatus, int] | None:
        row = self.session.get(OrderRow, order_id)
        return None if row is None else (OrderStatus(row.status), row.revision)

    def add(self, order: RecordOrder) -> None:
        self.received.clear()
        self.session.add(
            OrderRow(
                order_id=order.order_id,
                window_id=order.window_id,
                supplier_id=order.supplier_id,
                status=OrderStatus.PLACED.value,
                revision=-1,
            )
        )
        self.session.add_all(
            OrderNeedRow(order_id=order.order_id, window_id=order.window_id, **vars(need))
            for need in order.needs
        )
        self.session.flush()

    def hold_only(self, order_id: int, need_ids: frozenset[int]) -> None:
        self.received.clear()
        self.session.execute(
            update(OrderNeedRow)
            .where(OrderNeedRow.order_id == order_id)
            .values(held=OrderNeedRow.need_id.in_(sorted(need_ids)) if need_ids else False)
        )

    def set_status(self, order_id: int, status: OrderStatus) -> None:
        self.received.clear()
        self.session.execute(
            update(OrderRow).where(OrderRow.order_id == order_id).values(status=status.value)
        )

    def receive(
        self,
        order_id: int,
        revision: int,
        received_on: date,
        needs: tuple[tuple[int, ReceivedNeed], ...],
    ) -> None:
        self.received.clear()
        order = self.session.get(OrderRow, order_id)
        assert order is not None
        order.status, order.revision = OrderStatus.RECEIVED.value, revision
        order.received_on = order.received_on or received_on
        rows = {
            row.need_id: row
            for row in self.session.scalars(
                select(OrderNeedRow).where(OrderNeedRow.order_id == order_id)
            )
        }
        for row in rows.values():
            row.held = False
        for _member_id, need in needs:
            row = rows[need.need_id]
            row.held, row.received = True, need.received
            row.goods, row.shipping_share = need.goods, need.shipping_share
        self.session.flush()

    def standing(self, window_id: int) -> list[OrderStanding]:
        found = self.session.execute(
            select(OrderRow.order_id, OrderRow.status, OrderNeedRow.member_id)
            .outerjoin(
                OrderNeedRow,
                and_(OrderNeedRow.order_id == OrderRow.order_id, OrderNeedRow.held),
            )
            .where(OrderRow.window_id == window_id)
        ).all()
        members: dict[tuple[int, str], set[int]] = {}
        for order_id, status, member_id in found:
            held = members.setdefault((order_id, status), set())
            if member_id is not None:
                held.add(member_id)
        return [
            OrderStanding(order_id, OrderStatus(status), frozenset(held))
            for (order_id, status), held in sorted(members.items())
        ]

    def add_depot_parts(self, window_id: int, parts: tuple[DepotPart, ...]) -> None:
        self.depot.pop(window_id, None)
        for part in parts:
            self.session.merge(
                DepotPartRow(
                    need_id=part.need.need_id,
                    lot_order_id=part.need.order_id,
                    window_id=window_id,
                    member_id=part.member_id,
                    sku=part.need.sku,
                    quantity=part.need.received,
                    unit_price=part.need.unit_price,
                    goods=part.need.goods,
                    rest=part.rest,
                )
            )
        self.session.flush()

    def served_whole(self, window_id: int) -> set[int]:
        parts = self.session.execute(
            select(DepotPartRow.member_id, DepotPartRow.rest).where(
                DepotPartRow.window_id == window_id
            )
        ).all()
        waiting = {member_id for member_id, rest in parts if rest > 0}
        return {member_id for member_id, _rest in parts} - waiting

    def _depot_parts(self, window_id: int) -> dict[int, list[ReceivedNeed]]:
        """Each member's needs the depot served at the window's close, at book value."""
        if window_id not in self.depot:
            rows = self.session.execute(
                select(
                    DepotPartRow.member_id,
                    DepotPartRow.need_id,
                    DepotPartRow.lot_order_id,
                    DepotPartRow.sku,
                    DepotPartRow.quantity,
                    DepotPartRow.unit_price,
                    DepotPartRow.goods,
                ).where(DepotPartRow.window_id == window_id)
            )
            members: dict[int, list[ReceivedNeed]] = {}
            for member_id, *need in rows:
                members.setdefault(member_id, []).append(ReceivedNeed(*need, ZERO))
            self.depot[window_id] = members
        return self.depot[window_id]

    def _receipts(self, window_id: int) -> dict[int, list[tuple[ReceivedNeed, date | None]]]:
        """Each member's needs held by a received order of the window, with the day their
        order was received."""
        if window_id not in self.received:
            rows = self.session.execute(
                select(
                    OrderNeedRow.member_id,
                    OrderNeedRow.need_id,
                    OrderNeedRow.order_id,
                    OrderNeedRow.sku,
                    OrderNeedRow.received,
                    OrderNeedRow.unit_price,
                    OrderNeedRow.goods,
                    OrderNeedRow.shipping_share,
                    OrderRow.received_on,
                )
                .join(OrderRow, OrderRow.order_id == OrderNeedRow.order_id)
                .where(
                    OrderNeedRow.window_id == window_id,
                    OrderNeedRow.held,
                    OrderRow.status == OrderStatus.RECEIVED.value,
                )
            )
            members: dict[int, list[tuple[ReceivedNeed, date | None]]] = {}
            for member_id, *need, received_on in rows:
                members.setdefault(member_id, []).append((ReceivedNeed(*need), received_on))
            self.received[window_id] = members
        return self.received[window_id]

    def received_needs(self, window_id: int, member_id: int) -> list[ReceivedNeed]:
        received = [need for need, _day in self._receipts(window_id).get(member_id, [])]
        return received + self._depot_parts(window_id).get(member_id, [])

    def delivered_on(self, window_id: int, member_id: int) -> date | None:
        days = [day for _n, day in self._receipts(window_id).get(member_id, []) if day]
        return max(days, default=None)

    def record_results(self, window_id: int, results: tuple[MemberResult, ...]) -> None:
        self.results.pop(window_id, None)
        for result in results:
            self.session.merge(MemberResultRow(window_id=window_id, **vars(result)))

    def saved(self, window_id: int, member_id: int) -> Decimal | None:
        if window_id not in self.results:
            self.session.flush()  # results merged in this unit of work
            query = select(MemberResultRow.member_id, MemberResultRow.saved).where(
                MemberResultRow.window_id == window_id
            )
            self.results[window_id] = dict(self.session.execute(query).all())
        return self.results[window_id].get(member_id)

    def windows_of(self, member_id: int) -> list[int]:
        ordered = select(OrderNeedRow.window_id).where(OrderNeedRow.member_id == member_id)
        served = select(DepotPartRow.window_id).where(DepotPartRow.member_id == member_id)
        return sorted(set(self.session.scalars(ordered.union(served))))


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """``ids`` in slices small enough for one ``IN`` (SQLite takes 32,766 parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
