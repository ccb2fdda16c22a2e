"""Which offers price a pool window: the ones in force when its first need joined it.

Catalog announces every change of an offer; pooling keeps them all. A change
takes effect at its *start*: when it was announced, or at midnight (the pool's
time zone) of its ``valid_from`` day if that is later. A window prices with, per
supplier and product, the change that started last by the window's own start,
so a change made while a window is open waits for the next window, and a price
list valid from a later day waits for the first window starting on or after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pooling.domain.model import Offer


@dataclass(frozen=True)
class OfferChange:
    """One announced offer of a supplier for a product (``offer`` None: withdrawn)."""

    supplier_id: int
    sku: str
    offer: Offer | None
    announced_at: datetime
    valid_from: date | None = None

    def starts_at(self, timezone: str) -> datetime:
        if self.valid_from is None:
            return self.announced_at
        midnight = datetime.combine(self.valid_from, time(0), tzinfo=ZoneInfo(timezone))
        return max(self.announced_at, midnight)


def offers_in_force(
    changes: Iterable[OfferChange], moment: datetime, timezone: str, now: datetime | None = None
) -> dict[str, list[Offer]]:
    """Per SKU, the offers in force at ``moment``, by supplier id.

    Of one supplier's changes to one product, the one that started last wins;
    two starting at the same moment: the later announced, then the later given.
    A withdrawal does not wait: an offer whose latest change by ``now`` withdrew it
    (the supplier stopped offering the product, or was deactivated) is out at once,
    and an offer made again within the window comes back at the window's prices.
    """
    changes = list(changes)
    in_force = _latest(changes, moment, timezone)
    if now is not None:
        withdrawn = {
            key for key, change in _latest(changes, now, timezone).items() if not change.offer
        }
        in_force = {key: change for key, change in in_force.items() if key not in withdrawn}
    offers: dict[str, list[Offer]] = {}
    for (_supplier, sku), change in sorted(in_force.items()):
        if change.offer is not None:
            offers.setdefault(sku, []).append(change.offer)
    return offers


def superseded(changes: Sequence[OfferChange], since: datetime, timezone: str) -> list[int]:
    """The positions in ``changes`` of those no window starting at or after ``since`` can
    price with: per supplier and SKU, every change that started before the one in force
    at ``since``. (The one in force, and every change starting later, stay.)"""
    in_force = _ranked_latest(list(changes), since, timezone)
    return [
        position
        for position, change in enumerate(changes)
        if (key := (change.supplier_id, change.sku)) in in_force
        and _rank(change, position, timezone) < in_force[key][0]
    ]


Rank = tuple[datetime, datetime, int]


def _rank(change: OfferChange, position: int, timezone: str) -> Rank:
    """Which of two changes wins: the later start, then the later announcement, then
    the later given."""
    return (change.starts_at(timezone), change.announced_at, position)


def _latest(
    changes: list[OfferChange], moment: datetime, timezone: str
) -> dict[tuple[int, str], OfferChange]:
    """Per supplier and SKU, the change that started last by ``moment``."""
    return {
        key: change for key, (_rank, change) in _ranked_latest(changes, moment, timezone).items()
    }


def _ranked_latest(
    changes: list[OfferChange], moment: datetime, timezone: str
) -> dict[tuple[int, str], tuple[Rank, OfferChange]]:
    latest: dict[tuple[int, str], tuple[Rank, OfferChange]] = {}
    for position, change in enumerate(changes):
        rank = _rank(change, position, timezone)
        if rank[0] > moment:
            continue
        key = (change.supplier_id, change.sku)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, change)
    return latest
