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
    missing_flexible: Decimal  # of that, what the flexible needs do not offer yet


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
    flexible: Decimal = Decimal(0)  # how much more the flexible needs would take


def offer_progress(offer: Offer, demand: Decimal, flexible: Decimal = Decimal(0)) -> OfferProgress:
    line = price_line(offer, demand)
    upcoming = next((t for t in offer.tiers if t.min_quantity > line.ordered_quantity), None)
    next_tier = None
    if upcoming is not None:
        missing = upcoming.min_quantity - demand
        next_tier = NextTier(
            upcoming.min_quantity, upcoming.unit_price, missing, max(Decimal(0), missing - flexible)
        )
    return OfferProgress(offer.supplier_id, line.ordered_quantity, line.unit_price, next_tier)


def pool_progress(
    demand: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    flexible: Mapping[str, Decimal] | None = None,
) -> list[ProductProgress]:
    """Progress of every product with demand, in SKU order; offers by supplier id. With
    ``flexible`` (how much more each product's flexible needs would take), each next
    tier says how much more flexibility would reach it at the close."""
    flexible = flexible or {}
    return [
        ProductProgress(
            sku,
            quantity,
            tuple(
                offer_progress(offer, quantity, flexible.get(sku, Decimal(0)))
                for offer in sorted(offers.get(sku, ()), key=lambda o: o.supplier_id)
            ),
            flexible.get(sku, Decimal(0)),
        )
        for sku, quantity in sorted(demand.items())
    ]
