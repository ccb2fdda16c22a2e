"""A unit of work in memory, for pooling's handlers without a database. Its records are
the mapped classes' objects, never added to a session."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

from pooling.adapters import order_book, orm
from pooling.domain import model
from pooling.domain.depot import DepotAllocation, Lot, Movement, MovementKind, stock
from pooling.domain.lifecycle import OrderStatus
from pooling.domain.receipt import ReceivedOrder
from pooling.domain.site_receipt import Site
from shared.errors import Forbidden, NotFound
from shared.events import Event, OfferUpdated, SupplierUpdated


class FakePool:
    def __init__(
        self, offers: Mapping[str, list[model.Offer]], terms: Iterable[model.SupplierTerms]
    ):
        self.windows: dict[int, orm.Window] = {}
        self.prices = dict(offers)
        self.terms = {t.supplier_id: t for t in terms}

    def window(self, window_id: int) -> orm.Window | None:
        return self.windows.get(window_id)

    def current_window(self, *, lock: str | None = None) -> orm.Window | None:
        return next((w for w in self.windows.values() if w.status == "open"), None)

    def current_or_new_window(self, *, lock: str | None = None) -> orm.Window:
        window = self.current_window()
        if window is None:
            now = datetime.now(UTC)
            window = orm.Window(id=len(self.windows) + 1, status="open", opened_at=now)
            self.windows[window.id] = window
        return window

    def offers(self, window: orm.Window | None = None, versions: object = None) -> dict:
        return self.prices

    def supplier_terms(self) -> dict[int, model.SupplierTerms]:
        return self.terms


class FakeNeeds:
    def __init__(self, pool: FakePool) -> None:
        self.pool = pool
        self.rows: dict[int, orm.PooledNeed] = {}

    def open_window_id(self) -> int:
        return self.pool.current_or_new_window().id

    def add_new(self, rows: list[dict]) -> set[int]:
        added = {row["need_id"] for row in rows} - set(self.rows)
        for row in rows:
            if row["need_id"] in added:
                self.rows[row["need_id"]] = orm.PooledNeed(**row)
        return added

    def locked(self, need_id: int) -> orm.PooledNeed | None:
        return self.rows.get(need_id)

    def locked_or_tombstone(
        self, need_id: int, member_id: int, sku: str
    ) -> tuple[orm.PooledNeed, bool]:
        made = need_id not in self.rows
        if made:
            self.rows[need_id] = orm.PooledNeed(
                need_id=need_id, member_id=member_id, sku=sku, quantity=Decimal(0)
            )
            self.rows[need_id].status = "cancelled"
        return self.rows[need_id], made

    def back_into_pool(self, need_ids: Iterable[int], now: datetime) -> None:
        window = self.pool.current_or_new_window()
        for need_id in need_ids:
            need = self.rows[need_id]
            need.status, need.window_id, need.order_id, need.joined_at = (
                "open",
                window.id,
                None,
                now,
            )


class FakeOrders:
    def __init__(self) -> None:
        self.rows: dict[int, orm.Order] = {}
        self.receipts: dict[int, list[ReceivedOrder]] = {}
        self.sites: dict[int, list[tuple[Site, dict[str, Decimal]]]] = {}

    def get(self, order_id: int) -> orm.Order:
        if order_id not in self.rows:
            raise NotFound("order_id", f"There is no order {order_id}.")
        return self.rows[order_id]

    def locked(self, order_id: int, supplier_id: int | None = None) -> orm.Order:
        order = self.get(order_id)
        if supplier_id is not None and order.supplier_id != supplier_id:
            raise Forbidden("order_id", "This order went to another supplier.")
        return order

    def store_receipt(
        self, order: orm.Order, received: ReceivedOrder, extra: Collection[str]
    ) -> int:
        booked = self.receipts.setdefault(order.id, [])
        booked.append(received)
        order_book.take_receipt(order, received)
        return len(booked) - 1

    def standing_allocations(self, window_id: int, member_id: int) -> list:
        return [
            (a, line.sku)
            for order in self.rows.values()
            if order.window_id == window_id and order.status != OrderStatus.REJECTED.value
            for line in order.lines
            if not line.declined
            for a in line.allocations
            if a.member_id == member_id
        ]

    def site_parts(
        self, order_id: int, member_id: int | None = None
    ) -> dict[Site, dict[str, Decimal]]:
        return {
            site: dict(lines)
            for site, lines in self.sites.get(order_id, [])
            if member_id is None or site.member_id == member_id
        }

    def add_site_part(self, order_id: int, site: Site, received: dict[str, Decimal]) -> None:
        self.sites.setdefault(order_id, []).append((site, dict(received)))

    def suppliers_of(self, order_ids: Collection[int]) -> dict[int, int]:
        return {i: self.rows[i].supplier_id for i in order_ids}


class FakeDepot:
    def __init__(self) -> None:
        self.movements: list[tuple[Movement, int | None]] = []

    def ledger(self, order_id: int | None = None) -> list[Movement]:
        return [m for m, _w in self.movements if order_id is None or m.order_id == order_id]

    def book(self, movements: Iterable[Movement], window_id: int | None = None) -> None:
        self.movements += [(m, window_id) for m in movements]

    def served(self, window_id: int, member_id: int) -> list[DepotAllocation]:
        return [
            DepotAllocation(
                m.need_id, member_id, m.sku, m.order_id, -m.quantity, -m.value, m.book_value
            )  # type: ignore[arg-type]
            for m, w in self.movements
            if w == window_id and m.member_id == member_id and m.kind is MovementKind.TO_NEED
        ]

    def locked_stock(self, skus: Collection[str]) -> list[Lot]:
        return [lot for lot in stock(self.ledger()) if lot.sku in skus]

    def lots(self) -> list[Lot]:
        return stock(self.ledger())

    def holdings(self) -> dict[str, Decimal]:
        held: dict[str, Decimal] = {}
        for lot in stock(self.ledger()):
            held[lot.sku] = held.get(lot.sku, Decimal(0)) + lot.quantity
        return held


class FakeOffers:
    def __init__(self, pool: FakePool) -> None:
        self.pool = pool
        self.suppliers: list[SupplierUpdated] = []
        self.versions: list[OfferUpdated] = []

    def terms_of(self, supplier_id: int) -> model.SupplierTerms | None:
        return self.pool.terms.get(supplier_id)

    def save_supplier(self, event: SupplierUpdated) -> None:
        self.suppliers.append(event)

    def save_offer(self, event: OfferUpdated) -> None:
        self.versions.append(event)


class FakeResults:
    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], model.MemberSavings] = {}

    def record(self, window_id: int, result: model.MemberSavings) -> model.MemberSavings:
        self.rows[(window_id, result.member_id)] = result
        return result

    def add_all(self, window_id: int, results: Iterable[model.MemberSavings]) -> None:
        for result in results:
            self.record(window_id, result)


class FakeUnitOfWork:
    def __init__(
        self,
        offers: Mapping[str, list[model.Offer]] | None = None,
        terms: Iterable[model.SupplierTerms] = (),
    ) -> None:
        self.pool = FakePool(offers or {}, terms)
        self.needs = FakeNeeds(self.pool)
        self.orders = FakeOrders()
        self.depot = FakeDepot()
        self.offers = FakeOffers(self.pool)
        self.results = FakeResults()
        self.events: list[Event] = []
        self._ids = count(1)

    def publish(self, event: Event) -> None:
        self.events.append(event)

    def publish_all(self, events: Sequence[Event]) -> None:
        self.events.extend(events)

    def published(self, kind: type[Event]) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def closed_window(self) -> orm.Window:
        """A window closed already: its orders placed, the pool open again for the next."""
        window = self.pool.current_or_new_window()
        window.status = "closed"
        return window

    def place(
        self, window_id: int, order: model.SupplierOrder, needs: Iterable[model.Need]
    ) -> orm.Order:
        """``order`` as a close stores it, its ``needs`` ordered in it."""
        stored = orm.Order(
            id=next(self._ids),
            window_id=window_id,
            supplier_id=order.supplier_id,
            status=OrderStatus.PLACED.value,
            shipping_fee=order.shipping_fee,
            total=order.total,
            lines=[_line(line) for line in order.lines],
        )
        self.orders.rows[stored.id] = stored
        placed = {a.need_id for line in order.lines for a in line.allocations}
        for need in needs:
            if need.need_id in placed:
                self.needs.rows[need.need_id] = orm.PooledNeed(
                    need_id=need.need_id,
                    member_id=need.member_id,
                    sku=need.sku,
                    quantity=need.quantity,
                    status="ordered",
                    window_id=window_id,
                    order_id=stored.id,
                    delivery_site=need.delivery_site,
                )
        return stored


def _line(line: model.OrderLine) -> orm.OrderLine:
    return orm.OrderLine(
        sku=line.sku,
        packs=line.packs,
        ordered_quantity=line.ordered_quantity,
        unit_price=line.unit_price,
        line_total=line.line_total,
        surplus_quantity=line.surplus_quantity,
        declined=False,
        allocations=[
            orm.Allocation(
                need_id=a.need_id,
                member_id=a.member_id,
                quantity=a.quantity,
                goods=a.goods,
                shipping_share=a.shipping_share,
                paid=a.paid,
                delivery_site=a.delivery_site,
                extra_quantity=a.extra_quantity,
                needed_by=a.needed_by,
            )
            for a in line.allocations
        ],
    )
