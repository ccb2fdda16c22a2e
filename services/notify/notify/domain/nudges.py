"""Whether to tell a member that a product in the open pool is close to its next tier.

A nudge goes to a member who asked for it (for products it bought before, or
that its trade buys), at most once per member, product and window, and never
during the member's quiet hours: then it waits until they end (local time in
Europe/Berlin by default, quiet hours may run across midnight).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
CLOSE_SHARE = Decimal("0.25")  # close: at most a quarter of the next tier is missing


@dataclass(frozen=True)
class TierInReach:
    """A product of the open pool whose next tier is close."""

    window_id: int
    sku: str
    quantity: Decimal
    unit_price: Decimal
    next_min_quantity: Decimal
    next_unit_price: Decimal
    missing: Decimal

    @property
    def everyone_saves(self) -> Decimal:
        """What the whole pool would save on the product at the next tier: every unit of it
        costs the difference less."""
        drop = self.unit_price - self.next_unit_price
        return (drop * self.next_min_quantity).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Wishes:
    """What a member asked for: nudges for products bought before, or its trade's."""

    bought: bool = False
    trade: bool = False
    quiet_from: time | None = None
    quiet_until: time | None = None


def tiers_in_reach(
    window_id: int, products: Sequence[Mapping], close_share: Decimal = CLOSE_SHARE
) -> list[TierInReach]:
    """From a pool progress: per product the closest next tier, if at most ``close_share``
    of it is missing."""
    found = []
    for product in products:
        best = None
        for offer in product["offers"]:
            tier = offer.get("next_tier")
            if not tier:
                continue
            minimum, missing = Decimal(tier["min_quantity"]), Decimal(tier["missing"])
            if minimum <= 0 or missing <= 0 or missing > minimum * close_share:
                continue
            candidate = TierInReach(
                window_id=window_id,
                sku=product["sku"],
                quantity=Decimal(product["quantity"]),
                unit_price=Decimal(offer["unit_price"]),
                next_min_quantity=minimum,
                next_unit_price=Decimal(tier["unit_price"]),
                missing=missing,
            )
            if best is None or candidate.missing < best.missing:
                best = candidate
        if best is not None:
            found.append(best)
    return found


def wants_nudge(wishes: Wishes, bought_before: bool, trade_buys: bool) -> bool:
    return (wishes.bought and bought_before) or (wishes.trade and trade_buys)


def should_nudge(
    wishes: Wishes, bought_before: bool, trade_buys: bool, already_nudged: bool
) -> bool:
    """Once per member, product and window, and only when the member asked for it."""
    return not already_nudged and wants_nudge(wishes, bought_before, trade_buys)


def in_quiet_hours(wishes: Wishes, now: datetime, zone: ZoneInfo = BERLIN) -> bool:
    start, end = wishes.quiet_from, wishes.quiet_until
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight


def due_at(wishes: Wishes, now: datetime, zone: ZoneInfo = BERLIN) -> datetime:
    """Now, or when the member's quiet hours end (the next time ``quiet_until`` strikes)."""
    if not in_quiet_hours(wishes, now, zone) or wishes.quiet_until is None:
        return now
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), wishes.quiet_until, tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), wishes.quiet_until, tzinfo=zone)
    return end.astimezone(now.tzinfo)
