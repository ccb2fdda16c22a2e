"""The unit of work: pooling's repositories over one transaction, and the outbox the
events of that transaction go to. Handlers see only this (fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.placed_orders import PlacedOrder
from pooling.adapters.repository import Lock, OfferVersion, OpenDemand
from pooling.domain import model
from pooling.domain.depot import DepotAllocation, Lot, Movement
from pooling.domain.receipt import ReceivedOrder
from pooling.domain.site_receipt import Site
from shared.events import Event, OfferUpdated, SupplierUpdated
from shared.outbox import Outbox
from shared.unit_of_work import SessionUnitOfWork


class Pool(Protocol):
    """The pool's windows and the offers in force for them (``PoolRepository``)."""

    def window(self, window_id: int) -> orm.Window | None: ...
    def current_window(self, *, lock: Lock = None) -> orm.Window | None: ...
    def current_or_new_window(self, *, lock: Lock = None) -> orm.Window: ...
    def due_windows(self, now: datetime) -> list[int]: ...
    def prices_fixed_at(self, window: orm.Window) -> datetime | None: ...
    def open_needs(self, window_id: int) -> list[model.Need]: ...
    def open_demand(self, window_id: int) -> OpenDemand: ...
    def open_count(self, window_id: int) -> tuple[int, int]:
        """How many needs are open in the window, and how many members posted them."""

    def claim_progress(self, window: orm.Window, signature: str) -> bool:
        """Note ``signature`` as the open window's announced progress unless someone did."""

    def offer_versions(self, by: datetime | None = None) -> list[OfferVersion]: ...
    def offers(
        self, window: orm.Window | None = None, versions: Sequence[OfferVersion] | None = None
    ) -> dict[str, list[model.Offer]]: ...
    def prune_offer_versions(self, since: datetime, versions: Sequence[OfferVersion]) -> int: ...
    def supplier_terms(self) -> dict[int, model.SupplierTerms]: ...
    def store_closed(self, window: orm.Window, result: model.WindowResult) -> None: ...


class Needs(Protocol):
    def open_window_id(self) -> int:
        """The open window's id (made if there is none), locked against a close until the
        transaction ends."""

    def add_new(self, rows: list[dict[str, Any]]) -> set[int]:
        """The needs not known yet, each once; the ids of those added."""

    def locked(self, need_id: int) -> orm.PooledNeed | None: ...
    def locked_or_tombstone(
        self, need_id: int, member_id: int, sku: str
    ) -> tuple[orm.PooledNeed, bool]:
        """The need, locked; a cancelled tombstone that keeps its post out if not posted
        (True: the tombstone is made now)."""

    def back_into_pool(self, need_ids: Iterable[int], now: datetime) -> None:
        """The needs join the open window again, open."""

    def correlation_ids(self, window_id: int) -> dict[int, str]: ...
    def mark_served(self, whole: Sequence[int], rest: Mapping[int, Decimal]) -> None:
        """``whole``: served by the depot; the others keep the ``rest`` to be ordered."""

    def move(self, need_ids: Sequence[int], window_id: int, joined_at: datetime) -> None: ...


class Orders(Protocol):
    def place(self, window_id: int, orders: Sequence[model.SupplierOrder]) -> list[PlacedOrder]: ...
    def suppliers_of(self, order_ids: Collection[int]) -> dict[int, int]: ...
    def get(self, order_id: int) -> orm.Order:
        """The order, or ``NotFound``."""

    def locked(self, order_id: int, supplier_id: int | None = None) -> orm.Order:
        """The order locked until the transaction ends; ``NotFound``, or ``Forbidden`` for
        another supplier's."""

    def store_receipt(
        self, order: orm.Order, received: ReceivedOrder, extra: Collection[str]
    ) -> int:
        """The booking kept as the order's next revision; that revision."""

    def standing_allocations(
        self, window_id: int, member_id: int
    ) -> list[tuple[orm.Allocation, str]]: ...
    def site_parts(
        self, order_id: int, member_id: int | None = None
    ) -> dict[Site, dict[str, Decimal]]: ...
    def add_site_part(self, order_id: int, site: Site, received: dict[str, Decimal]) -> None: ...


class Depot(Protocol):
    def ledger(self, order_id: int | None = None) -> list[Movement]: ...
    def book(self, movements: Iterable[Movement], window_id: int | None = None) -> None: ...
    def served(self, window_id: int, member_id: int) -> list[DepotAllocation]: ...
    def locked_stock(self, skus: Collection[str]) -> list[Lot]: ...
    def lots(self) -> list[Lot]: ...
    def holdings(self) -> dict[str, Decimal]: ...


class Offers(Protocol):
    """Pooling's copy of the catalog's suppliers' terms and offers."""

    def terms_of(self, supplier_id: int) -> model.SupplierTerms | None: ...
    def save_supplier(self, event: SupplierUpdated) -> None: ...
    def save_offer(self, event: OfferUpdated) -> None: ...


class Results(Protocol):
    def add_all(self, window_id: int, results: Iterable[model.MemberSavings]) -> None: ...
    def record(self, window_id: int, result: model.MemberSavings) -> model.MemberSavings:
        """The member's window result again (what flexibility saved it kept)."""


class UnitOfWork(Protocol):
    pool: Pool
    needs: Needs
    orders: Orders
    depot: Depot
    offers: Offers
    results: Results

    def publish(self, event: Event) -> None: ...
    def publish_all(self, events: Sequence[Event]) -> None: ...


class SqlAlchemyUnitOfWork(SessionUnitOfWork):
    """Pooling's repositories on ``session`` (``SessionUnitOfWork``: who commits);
    ``schedule`` dates the windows a pool opens."""

    def __init__(self, session: Session, outbox: Outbox, schedule: CutoffSchedule) -> None:
        from pooling.adapters.needs import SqlNeeds, SqlOffers
        from pooling.adapters.orders import SqlDepot, SqlOrders, SqlResults
        from pooling.adapters.repository import PoolRepository

        super().__init__(session, outbox)
        self.pool = PoolRepository(session, schedule)
        self.needs = SqlNeeds(session, self.pool)
        self.orders = SqlOrders(session)
        self.depot = SqlDepot(session)
        self.offers = SqlOffers(session)
        self.results = SqlResults(session)
