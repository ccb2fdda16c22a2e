"""What it would take: how much more of a product brings its offer to the next tier, or
its supplier's lines to free shipping, and what everyone saves then (rules 2-5).

"More" is counted in the steps members post: whole units where the demand, the pack
size and the tiers are whole, else thousandths (a quantity has at most 3 decimals).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import Offer, SupplierTerms
from pooling.domain.pricing import cost_of, packs_needed, tier_price

WHOLE, THOUSANDTH = Decimal(1), Decimal("0.001")
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class TierReach:
    """The next tier of an offer and the least more demand that reaches it."""

    min_quantity: Decimal
    unit_price: Decimal
    more: Decimal  # more demand that brings everyone to this tier
    saves_per_unit: Decimal  # what every unit then costs less than now


def demand_step(offer: Offer, demand: Decimal) -> Decimal:
    """One unit where everything about the offer and the demand is whole, else 0.001."""
    amounts = (demand, offer.pack_size, *(tier.min_quantity for tier in offer.tiers))
    return WHOLE if all(a == a.to_integral_value() for a in amounts) else THOUSANDTH


def packs_at(offer: Offer, demand: Decimal) -> int:
    """Rule 2's packs for ``demand`` (none for no demand)."""
    return packs_needed(demand, offer.pack_size) if demand > 0 else 0


def more_for_packs(offer: Offer, demand: Decimal, packs: int) -> Decimal:
    """The least more demand (in steps) at which the offer orders ``packs`` packs or more:
    the demand must pass ``packs - 1`` full packs."""
    if packs_at(offer, demand) >= packs:
        return Decimal(0)
    step = demand_step(offer, demand)
    gap = (packs - 1) * offer.pack_size - demand  # >= 0, as fewer packs hold the demand
    return (gap // step + 1) * step


def next_tier_reach(offer: Offer, demand: Decimal) -> TierReach | None:
    """The first tier above what ``demand`` orders now, and what it takes; None at the top."""
    ordered = packs_at(offer, demand) * offer.pack_size
    upcoming = next((t for t in offer.tiers if t.min_quantity > ordered), None)
    if upcoming is None:
        return None
    packs = packs_needed(upcoming.min_quantity, offer.pack_size)
    now = tier_price(offer.tiers, ordered)
    return TierReach(
        upcoming.min_quantity,
        upcoming.unit_price,
        more_for_packs(offer, demand, packs),
        now - upcoming.unit_price,
    )


def line_value(offer: Offer, packs: int) -> Decimal:
    """Rules 3-4: the line value of ``packs`` packs."""
    ordered = packs * offer.pack_size
    return cost_of(ordered, tier_price(offer.tiers, ordered))


def free_shipping_reach(
    offer: Offer, demand: Decimal, elsewhere: Decimal, terms: SupplierTerms
) -> Decimal | None:
    """The least more demand of this product at which its supplier's lines (this one
    under ``offer``, plus ``elsewhere``: the supplier's other lines) reach free
    shipping; 0 when they do already, None when the supplier never ships free."""
    threshold = terms.free_shipping_from
    if threshold is None:
        return None
    now = packs_at(offer, demand)
    if elsewhere + line_value(offer, now) >= threshold:
        return Decimal(0)
    return more_for_packs(offer, demand, _fewest_packs(offer, threshold - elsewhere, now + 1))


def _fewest_packs(offer: Offer, wanted: Decimal, at_least: int) -> int:
    """The fewest packs (``at_least`` or more) whose line value reaches ``wanted`` (> 0).

    Within one tier the value grows with the packs, so each tier's fewest follows from a
    quotient; a higher tier may reach it with fewer packs than a lower one (all-units
    prices), so every tier is asked."""
    size = offer.pack_size
    starts = [packs_needed(t.min_quantity, size) if t.min_quantity else 0 for t in offer.tiers]
    best: int | None = None
    for tier, start, end in zip(offer.tiers, starts, [*starts[1:], None], strict=True):
        fewest = max(start, at_least)
        if wanted > HALF_CENT:  # a value rounded half up reaches from half a cent below
            fewest = max(fewest, packs_needed(wanted - HALF_CENT, size * tier.unit_price))
        while cost_of(fewest * size, tier.unit_price) < wanted:  # a threshold in fractions
            fewest += 1
        if (end is None or fewest < end) and (best is None or fewest < best):
            best = fewest
    assert best is not None  # the last tier has no end
    return best
