"""Pool progress: where each offer stands at the pooled demand, and the next tier.

The depot serves first at the close (rule 11): of a product it holds, the offers are
priced on the demand the depot leaves (``depot_quantity`` is what it would serve now).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import Offer
from pooling.domain.pricing import price_line


@dataclass(frozen=True)
class NextTier:
    min_quantity: Decimal
    unit_price: Decimal
    missing: Decimal  # more demand that brings everyone to this tier


@dataclass(frozen=True)
class OfferProgress:
    supplier_id: int
    ordered_quantity: Decimal
    unit_price: Decimal
    next_tier: NextTier | None


@dataclass(frozen=True)
class ProductProgress:
    sku: str
    quantity: Decimal
    offers: tuple[OfferProgress, ...]
    depot_quantity: Decimal = Decimal(0)  # what the depot would serve of it at a close now


def offer_progress(offer: Offer, demand: Decimal) -> OfferProgress:
    """The offer at ``demand`` (0: the depot serves it all, nothing is ordered yet)."""
    if demand == 0:
        ordered, unit_price = Decimal(0), offer.tiers[0].unit_price
    else:
        line = price_line(offer, demand)
        ordered, unit_price = line.ordered_quantity, line.unit_price
    upcoming = next((t for t in offer.tiers if t.min_quantity > ordered), None)
    next_tier = None
    if upcoming is not None:
        next_tier = NextTier(
            upcoming.min_quantity, upcoming.unit_price, upcoming.min_quantity - demand
        )
    return OfferProgress(offer.supplier_id, ordered, unit_price, next_tier)


def pool_progress(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    depot: Mapping[str, Decimal] | None = None,
) -> list[ProductProgress]:
    """Progress of every product with demand, in SKU order; offers by supplier id, priced
    on what the ``depot`` (its stock per product) leaves to order."""
    progress = []
    for sku, quantity in sorted(demand.items()):
        sku_offers = sorted(offers.get(sku, ()), key=lambda o: o.supplier_id)
        from_depot = min(quantity, (depot or {}).get(sku, Decimal(0))) if sku_offers else Decimal(0)
        rest = quantity - from_depot
        priced = tuple(offer_progress(offer, rest) for offer in sku_offers)
        progress.append(ProductProgress(sku, quantity, priced, from_depot))
    return progress
