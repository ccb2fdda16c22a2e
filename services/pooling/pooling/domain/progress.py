"""Pool progress: where each offer stands at the pooled demand, and the next tier."""

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


def offer_progress(offer: Offer, demand: Decimal) -> OfferProgress:
    line = price_line(offer, demand)
    upcoming = next((t for t in offer.tiers if t.min_quantity > line.ordered_quantity), None)
    next_tier = None
    if upcoming is not None:
        next_tier = NextTier(
            upcoming.min_quantity, upcoming.unit_price, upcoming.min_quantity - demand
        )
    return OfferProgress(offer.supplier_id, line.ordered_quantity, line.unit_price, next_tier)


def pool_progress(
    demand: Mapping[str, Decimal], offers: Mapping[str, Sequence[Offer]]
) -> list[ProductProgress]:
    """Progress of every product with demand, in SKU order; offers by supplier id."""
    return [
        ProductProgress(
            sku,
            quantity,
            tuple(
                offer_progress(offer, quantity)
                for offer in sorted(offers.get(sku, ()), key=lambda o: o.supplier_id)
            ),
        )
        for sku, quantity in sorted(demand.items())
    ]
