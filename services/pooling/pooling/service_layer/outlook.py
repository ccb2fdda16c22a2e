"""Weigh the open window as a close now would: its outlook (``domain.outlook``), computed
once for the same needs, offers, terms and depot, however often the pool page asks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pooling.domain.closing import close_window, pooled_demand
from pooling.domain.model import Offer
from pooling.domain.optimise import Solver
from pooling.domain.outlook import PoolOutlook, pool_outlook
from pooling.domain.progress import ProductProgress, pool_progress
from pooling.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WindowOutlook:
    window_id: int | None
    outlook: PoolOutlook | None  # None: no open needs


class LastOutlook:
    """The last outlook computed and what it was computed from: a page polling an
    unchanged pool costs pooling a read, not a close; nor does one polling a busy pool
    more than once per ``fresh_for`` seconds (it sees the round as it stood then)."""

    def __init__(
        self, fresh_for: float = 15.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.fresh_for = fresh_for
        self._clock = clock
        self._lock = threading.Lock()
        self._key: tuple[Hashable, ...] = ()
        self._outlook: PoolOutlook | None = None
        self._at = 0.0

    def get(self, key: tuple[Hashable, ...]) -> PoolOutlook | None:
        """The outlook of ``key`` (its window first), or of its window a moment ago."""
        with self._lock:
            if key == self._key:
                return self._outlook
            recent = self._clock() - self._at < self.fresh_for
            return self._outlook if self._key[:1] == key[:1] and recent else None

    def keep(self, key: tuple[Hashable, ...], outlook: PoolOutlook) -> None:
        with self._lock:
            self._key, self._outlook, self._at = key, outlook, self._clock()


def current_outlook(
    uow: UnitOfWork, solve: Solver, today: Callable[[], date], last: LastOutlook
) -> WindowOutlook:
    """The open window's outlook, as a close now would price it (nothing is stored)."""
    pool = uow.pool
    window = pool.current_window()
    if window is None:
        return WindowOutlook(None, None)
    needs = pool.open_needs(window.id)
    if not needs:
        return WindowOutlook(window.id, None)
    offers, terms = pool.offers(window), pool.supplier_terms()
    lots = [lot for lot in uow.depot.lots() if lot.quantity > 0]
    key = (
        window.id,
        tuple(needs),
        tuple((sku, tuple(found)) for sku, found in sorted(offers.items())),
        tuple(sorted(terms.items())),
        tuple(lots),
    )
    found = last.get(key)
    if found is not None:
        return WindowOutlook(window.id, found)
    result = close_window(needs, offers, terms, solve, lots, today())
    holdings: dict[str, Decimal] = {}
    for lot in lots:
        holdings[lot.sku] = holdings.get(lot.sku, Decimal(0)) + lot.quantity
    flexible: dict[str, Decimal] = {}
    for need in needs:
        if need.flexibility:
            flexible[need.sku] = flexible.get(need.sku, Decimal(0)) + need.flexibility
    progress = pool_progress(pooled_demand(needs), offers, holdings, flexible)
    outlook = pool_outlook(progress, offers, terms, result)
    last.keep(key, outlook)
    return WindowOutlook(window.id, outlook)


@dataclass(frozen=True)
class NeedQuote:
    """One product in the open window: its offers, and its progress now and with one more
    need of ``quantity`` (None: without one)."""

    sku: str
    quantity: Decimal | None
    offers: tuple[Offer, ...]
    now: ProductProgress
    with_need: ProductProgress | None


def quote_need(uow: UnitOfWork, sku: str, quantity: Decimal | None) -> NeedQuote | None:
    """What the pool pays for ``sku`` now and what a need of ``quantity`` would change;
    None when no one offers it."""
    pool = uow.pool
    window = pool.current_window()
    offers = pool.offers(window)
    if not offers.get(sku):
        return None
    pooled, flexible = Decimal(0), Decimal(0)
    if window is not None:
        open_demand = pool.open_demand(window.id)
        pooled = open_demand.demand.get(sku, Decimal(0))
        flexible = open_demand.flexible.get(sku, Decimal(0))
    holdings = uow.depot.holdings()
    now = pool_progress({sku: pooled}, offers, holdings, {sku: flexible})[0]
    after = None
    if quantity is not None:
        after = pool_progress({sku: pooled + quantity}, offers, holdings, {sku: flexible})[0]
    by_supplier = tuple(sorted(offers[sku], key=lambda offer: offer.supplier_id))
    return NeedQuote(sku, quantity, by_supplier, now, after)
