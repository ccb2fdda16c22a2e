"""The orders after their close, the depot's ledger and the members' window results, as
the unit of work carries them (``service_layer.unit_of_work``); the statements
themselves are in ``order_book``."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pooling.adapters import order_book, orm
from pooling.adapters.placed_orders import PlacedOrder, save_orders
from pooling.domain import model
from pooling.domain.depot import DepotAllocation, Lot, Movement
from pooling.domain.receipt import ReceivedOrder
from pooling.domain.site_receipt import Site


class SqlOrders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def place(self, window_id: int, orders: Sequence[model.SupplierOrder]) -> list[PlacedOrder]:
        """A close's orders stored in a few bulk statements, their needs marked ordered
        (``placed_orders.save_orders``)."""
        return save_orders(self.session, window_id, orders)

    def suppliers_of(self, order_ids: Collection[int]) -> dict[int, int]:
        """Each order's supplier."""
        query = select(orm.Order.id, orm.Order.supplier_id).where(orm.Order.id.in_(order_ids))
        return {order_id: supplier_id for order_id, supplier_id in self.session.execute(query)}

    def get(self, order_id: int) -> orm.Order:
        """The order, or ``NotFound`` on ``order_id``."""
        return order_book.existing_order(self.session, order_id)

    def locked(self, order_id: int, supplier_id: int | None = None) -> orm.Order:
        """The order locked until the transaction ends (``order_book.locked_order``)."""
        return order_book.locked_order(self.session, order_id, supplier_id)

    def store_receipt(
        self, order: orm.Order, received: ReceivedOrder, extra: Collection[str]
    ) -> int:
        """The booking kept as the order's next revision, its figures on the order; the
        revision."""
        return order_book.store_receipt(self.session, order, received, extra).revision

    def standing_allocations(
        self, window_id: int, member_id: int
    ) -> list[tuple[orm.Allocation, str]]:
        return order_book.standing_allocations(self.session, window_id, member_id)

    def site_parts(
        self, order_id: int, member_id: int | None = None
    ) -> dict[Site, dict[str, Decimal]]:
        """The sites' booked parts of the order (one member's only, if given)."""
        query = select(orm.SiteReceipt).where(orm.SiteReceipt.order_id == order_id)
        if member_id is not None:
            query = query.where(orm.SiteReceipt.member_id == member_id)
        parts: dict[Site, dict[str, Decimal]] = {}
        for row in self.session.scalars(query.order_by(orm.SiteReceipt.id)):
            parts.setdefault(Site(row.member_id, row.delivery_site), {})[row.sku] = (
                row.received_quantity
            )
        return parts

    def add_site_part(self, order_id: int, site: Site, received: dict[str, Decimal]) -> None:
        self.session.add_all(
            orm.SiteReceipt(
                order_id=order_id,
                member_id=site.member_id,
                delivery_site=site.name,
                sku=sku,
                received_quantity=quantity,
            )
            for sku, quantity in sorted(received.items())
        )
        self.session.flush()


class SqlDepot:
    """The depot's ledger (rule 11)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ledger(self, order_id: int | None = None) -> list[Movement]:
        return order_book.ledger(self.session, order_id)

    def book(self, movements: Iterable[Movement], window_id: int | None = None) -> None:
        order_book.book_movements(self.session, movements, window_id)

    def served(self, window_id: int, member_id: int) -> list[DepotAllocation]:
        return order_book.served_from_depot(self.session, window_id, member_id)

    def locked_stock(self, skus: Collection[str]) -> list[Lot]:
        return order_book.locked_stock(self.session, skus)

    def lots(self) -> list[Lot]:
        """The depot's lots now (not locked: for weighing the pool before its close)."""
        return order_book.depot_lots(self.session)

    def holdings(self) -> dict[str, Decimal]:
        return order_book.depot_holdings(self.session)


class SqlResults:
    """The members' window results (rule 7)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, window_id: int, results: Iterable[model.MemberSavings]) -> None:
        """A close's results of its members, in one statement."""
        rows = [
            {"window_id": window_id, "member_id": m.member_id}
            | {"baseline": m.baseline, "paid": m.paid, "saved": m.saved}
            | {"flexibility_saved": m.flexibility_saved}
            for m in results
        ]
        if rows:
            self.session.execute(insert(orm.MemberSavings), rows)

    def record(self, window_id: int, result: model.MemberSavings) -> model.MemberSavings:
        """The member's result of the window, computed again; what its flexible needs
        saved it stays as the close found it."""
        key = (window_id, result.member_id)
        row = self.session.get(orm.MemberSavings, key) or orm.MemberSavings(
            window_id=window_id, member_id=result.member_id
        )
        row.baseline, row.paid, row.saved = result.baseline, result.paid, result.saved
        row.flexibility_saved = row.flexibility_saved or Decimal("0.00")
        self.session.add(row)
        return model.MemberSavings(
            row.member_id, row.baseline, row.paid, row.saved, row.flexibility_saved
        )
