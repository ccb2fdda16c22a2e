"""Reading and writing pooling state; converts rows to the pure domain and back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Row, Select, delete, distinct, func, select, update
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.domain import model
from pooling.domain.offers_in_force import OfferChange, offers_in_force, superseded

Lock = Literal["share", "update"] | None
OfferVersion = tuple[int, OfferChange]  # a stored offer version: its id and the change


def _open_window(query: Select[Any], lock: Lock) -> Select[Any]:
    """``query`` narrowed to the open window, locked for ``lock`` if given."""
    query = query.where(orm.Window.__table__.c.status == "open").limit(1)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    return query


@dataclass
class OpenDemand:
    """The pooled demand of a window's open needs, and a signature of which needs they are."""

    demand: dict[str, Decimal] = field(default_factory=dict)
    flexible: dict[str, Decimal] = field(default_factory=dict)  # more the needs would take
    count: int = 0
    id_sum: int = 0
    max_id: int = 0

    def add(self, need_id: int, sku: str, quantity: Decimal, more: Decimal | None) -> None:
        self.demand[sku] = self.demand.get(sku, Decimal(0)) + quantity
        if more:
            self.flexible[sku] = self.flexible.get(sku, Decimal(0)) + more
        self.count += 1
        self.id_sum += need_id
        self.max_id = max(self.max_id, need_id)

    def add_product(
        self,
        sku: str,
        quantity: Decimal,
        more: Decimal | None,
        count: int,
        id_sum: int,
        max_id: int,
    ) -> None:
        """A product's open needs summed already: their quantity, how much more the flexible
        ones would take, count, ids' sum, last id."""
        self.demand[sku] = self.demand.get(sku, Decimal(0)) + quantity
        if more:
            self.flexible[sku] = self.flexible.get(sku, Decimal(0)) + more
        self.count += count
        self.id_sum += int(id_sum)
        self.max_id = max(self.max_id, max_id)

    @property
    def signature(self) -> str:
        return f"{self.count}:{self.id_sum}:{self.max_id}"


class PoolRepository:
    def __init__(self, session: Session, schedule: CutoffSchedule) -> None:
        self.session = session
        self.schedule = schedule

    def current_window(self, *, lock: Lock = None) -> orm.Window | None:
        """The open window; ``lock="share"`` to add needs to it, ``"update"`` to close it.

        On PostgreSQL a locked read waits for a close in progress and then no
        longer sees the window it closed.
        """
        return self.session.scalars(_open_window(select(orm.Window), lock)).first()

    def window(self, window_id: int) -> orm.Window | None:
        return self.session.get(orm.Window, window_id)

    def current_or_new_window_id(self, *, lock: Lock = None) -> int:
        """The open window's id, the window made if there is none: a plain row read, for
        a use that only needs the id (adding needs to the window, many times a second)."""
        query = _open_window(select(orm.Window.__table__.c.id), lock)
        window_id = self.session.connection().scalar(query)
        if window_id is None:
            window_id = self.current_or_new_window(lock=lock).id
        return window_id

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

    def store_closed(self, window: orm.Window, result: model.WindowResult) -> None:
        """The window closed now, with its figures; stored at once, so that a new window
        can open."""
        window.status, window.closed_at = "closed", datetime.now(UTC)
        window.total_cost = result.total_cost
        window.members_baseline = result.members_baseline
        window.members_paid = result.members_paid
        window.members_saved = result.members_saved
        window.optimal, window.optimality_gap = result.optimal, result.gap
        self.session.flush()

    def due_windows(self, now: datetime) -> list[int]:
        query = select(orm.Window.id).where(
            orm.Window.status == "open", orm.Window.closes_at <= now
        )
        return list(self.session.scalars(query))

    def prices_fixed_at(self, window: orm.Window) -> datetime | None:
        """When the window's first need joined it (stored once the window is closed)."""
        if window.prices_fixed_at is not None:
            return window.prices_fixed_at
        query = select(func.min(orm.PooledNeed.joined_at)).where(
            orm.PooledNeed.window_id == window.id
        )
        return self.session.scalar(query)

    def open_needs(self, window_id: int) -> list[model.Need]:
        """The window's open needs, in need order (read as plain rows: there may be many)."""
        need = orm.PooledNeed
        query = (
            select(
                need.need_id,
                need.member_id,
                need.sku,
                need.quantity,
                need.delivery_site,
                need.up_to,
                need.needed_by,
            )
            .where(need.window_id == window_id, need.status == "open")
            .order_by(need.need_id)
        )
        return [model.Need(*row) for row in self.session.execute(query)]

    def claim_progress(self, window: orm.Window, signature: str) -> bool:
        """Note ``signature`` as the open window's announced progress, if the window is
        still open and its progress still the one read with it; False otherwise."""
        w = orm.Window
        claimed = self.session.execute(
            update(w)
            .where(
                w.id == window.id,
                w.status == "open",
                w.progress_signature.is_not_distinct_from(window.progress_signature),
            )
            .values(progress_signature=signature)
            .execution_options(synchronize_session=False)
        )
        return claimed.rowcount == 1

    def open_count(self, window_id: int) -> tuple[int, int]:
        """How many needs are open in the window, and how many members posted them."""
        need = orm.PooledNeed
        counted = select(func.count(), func.count(distinct(need.member_id))).where(
            need.window_id == window_id, need.status == "open"
        )
        needs, members = self.session.execute(counted).one()
        return needs, members

    def open_demand(self, window_id: int) -> OpenDemand:
        """Rule 1 over the window's open needs: summed by PostgreSQL itself (exact NUMERIC
        sums, one row per product), elsewhere here."""
        if self.session.get_bind().dialect.name == "postgresql":
            return self._open_demand_summed_by_database(window_id)
        return self._open_demand_summed_here(window_id)

    def _open_demand_summed_by_database(self, window_id: int) -> OpenDemand:
        need = orm.PooledNeed
        per_product = (
            select(
                need.sku,
                func.sum(need.quantity),
                func.sum(need.up_to - need.quantity),
                func.count(),
                func.sum(need.need_id),
                func.max(need.need_id),
            )
            .where(need.window_id == window_id, need.status == "open")
            .group_by(need.sku)
        )
        open_demand = OpenDemand()
        for row in self.session.execute(per_product):
            open_demand.add_product(*row)
        return open_demand

    def _open_demand_summed_here(self, window_id: int) -> OpenDemand:
        """The needs read in chunks: a window of 100,000 is never held in memory."""
        need = orm.PooledNeed
        query = (
            select(need.need_id, need.sku, need.quantity, need.up_to)
            .where(need.window_id == window_id, need.status == "open")
            .execution_options(yield_per=2000)
        )
        open_demand = OpenDemand()
        for need_id, sku, quantity, up_to in self.session.execute(query):
            open_demand.add(need_id, sku, quantity, None if up_to is None else up_to - quantity)
        return open_demand

    def offers(
        self, window: orm.Window | None = None, versions: Sequence[OfferVersion] | None = None
    ) -> dict[str, list[model.Offer]]:
        """The offers in force for ``window`` (its prices are fixed at its first need); for
        a window without needs yet, or none, the offers in force now. From ``versions``
        if given (``offer_versions``), else from every version announced by now."""
        now = datetime.now(UTC)
        fixed = None if window is None else self.prices_fixed_at(window)
        versions = self.offer_versions(now) if versions is None else versions
        changes = [change for _id, change in versions]
        return offers_in_force(changes, fixed or now, self.schedule.timezone, now)

    def prune_offer_versions(self, since: datetime, versions: Sequence[OfferVersion]) -> int:
        """Delete the offer versions no window starting at or after ``since`` can price
        with (superseded before it); how many went. Closed windows keep their prices in
        their orders. Of ``versions``, those the close read (``offer_versions``): one
        announced since then only leaves an older one for the next close to prune."""
        positions = superseded([c for _id, c in versions], since, self.schedule.timezone)
        ids = [versions[position][0] for position in positions]
        for chunk in range(0, len(ids), 1000):
            self.session.execute(
                delete(orm.OfferVersion).where(orm.OfferVersion.id.in_(ids[chunk : chunk + 1000]))
            )
        return len(ids)

    def offer_versions(self, by: datetime | None = None) -> list[OfferVersion]:
        """Every offer version announced by ``by`` (now), oldest first, with its id, read
        as plain rows: a close prices with them (``offers``), then prunes them
        (``prune_offer_versions``), read once."""
        now = datetime.now(UTC) if by is None else by
        v = orm.OfferVersion
        columns = [v.id, v.supplier_id, v.sku, v.active, v.announced_at, v.valid_from]
        columns += [v.pack_size, v.tiers]
        query = select(*columns).where(v.announced_at <= now).order_by(v.announced_at, v.id)
        return [
            (
                row.id,
                OfferChange(
                    row.supplier_id,
                    row.sku,
                    _offer(row) if row.active else None,
                    row.announced_at,
                    row.valid_from,
                ),
            )
            for row in self.session.execute(query)
        ]

    def supplier_terms(self) -> dict[int, model.SupplierTerms]:
        return {
            row.supplier_id: model.SupplierTerms(
                row.supplier_id, row.shipping_fee, row.free_shipping_from
            )
            for row in self.session.scalars(select(orm.SupplierTerms))
        }

    def order(self, order_id: int) -> orm.Order | None:
        return self.session.get(orm.Order, order_id)


def _offer(version: Row[Any]) -> model.Offer:
    prices = tuple(model.Tier(Decimal(q), Decimal(p)) for q, p in version.tiers)
    return model.Offer(version.supplier_id, version.sku, version.pack_size, prices)
