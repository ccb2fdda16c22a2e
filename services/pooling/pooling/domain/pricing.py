"""Pricing rules 2-4 and 6 of the design: packs, tiers, line values, fee shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Any

from pooling.domain.model import LineValue, Offer, PricedLine, SupplierTerms, Tier

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Products, quotients and remainders are computed here exactly; any rounding raises.
_EXACT = Context(prec=80, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])


def money(amount: Decimal) -> Decimal:
    """Round to cents, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cost_of(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """round_half_up(quantity x unit_price, cents): a line value (rule 4) or goods (rule 6)."""
    return money(_EXACT.multiply(quantity, unit_price))


def packs_needed(demand: Decimal, pack_size: Decimal) -> int:
    """Rule 2: n = ceil(demand / pack_size), exactly."""
    whole, rest = _EXACT.divmod(demand, pack_size)
    return int(whole) + (1 if rest else 0)


def tier_price(tiers: Sequence[Tier], ordered_quantity: Decimal) -> Decimal:
    """Rule 3: the price of the tier with the largest min_quantity <= the ordered quantity."""
    price = tiers[0].unit_price
    for tier in tiers:
        if tier.min_quantity > ordered_quantity:
            break
        price = tier.unit_price
    return price


def price_line(offer: Offer, demand: Decimal) -> PricedLine:
    """Rules 2-4: price a product's pooled demand under one offer."""
    packs, ordered, unit_price = _ordered(offer, demand)
    return PricedLine(
        supplier_id=offer.supplier_id,
        sku=offer.sku,
        demand=demand,
        packs=packs,
        ordered_quantity=ordered,
        unit_price=unit_price,
        line_total=cost_of(ordered, unit_price),
    )


def line_value(offer: Offer, demand: Decimal) -> LineValue:
    """Rules 2-4, only what rule 5 compares: ``price_line``'s supplier and line total."""
    _packs, ordered, unit_price = _ordered(offer, demand)
    return LineValue(offer.supplier_id, cost_of(ordered, unit_price))


def _ordered(offer: Offer, demand: Decimal) -> tuple[int, Decimal, Decimal]:
    """Rules 2-3: the packs, the quantity ordered and its unit price."""
    if not demand > 0:
        raise ValueError(f"demand for {offer.sku} must be positive: {demand}")
    packs = packs_needed(demand, offer.pack_size)
    ordered = _EXACT.multiply(Decimal(packs), offer.pack_size)
    return packs, ordered, tier_price(offer.tiers, ordered)


def shipping_fee_due(terms: SupplierTerms, lines_total: Decimal) -> Decimal:
    """Rule 5: the fee, unless the lines reach free_shipping_from (None: never free)."""
    threshold = terms.free_shipping_from
    if threshold is not None and lines_total >= threshold:
        return ZERO
    return money(terms.shipping_fee)


def split_fee(fee: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Rule 6: split ``fee`` in cents in proportion to ``weights`` by largest remainder.

    Equal remainders go to the earlier index; all-zero weights split equally by the
    same rule. The shares add up to ``fee`` exactly.
    """
    cents = _whole_cents(fee)
    if not weights:
        if cents:
            raise ValueError(f"cannot split a fee of {fee} over no weights")
        return []
    if cents == 0:  # the fee is waived: nothing to split
        return [ZERO] * len(weights)
    exact = _integer_weights(weights)
    if sum(exact) == 0:
        exact = [1] * len(exact)
    return [Decimal(share).scaleb(-2) for share in largest_remainder(cents, exact)]


def largest_remainder(units: int, weights: Sequence[int]) -> list[int]:
    """``units`` whole units apportioned in proportion to ``weights`` (not all zero):
    everyone its floor, the units left one each to the largest remainders, equal
    remainders to the earlier index. The parts add up to ``units`` exactly."""
    total = sum(weights)
    parts = [units * w // total for w in weights]
    remainders = [units * w % total for w in weights]
    by_remainder = sorted(range(len(parts)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[: units - sum(parts)]:
        parts[i] += 1
    return parts


def fee_shares(fee: Decimal, goods_by_need: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Rule 6 over an order's needs: ``fee`` split in proportion to each need's goods,
    ties to the earlier need (the lower need id)."""
    need_ids = sorted(goods_by_need)
    shares = split_fee(fee, [goods_by_need[need_id] for need_id in need_ids])
    return dict(zip(need_ids, shares, strict=True))


def _whole_cents(amount: Decimal) -> int:
    """An amount as an int of cents; refuse negatives and fractions of a cent."""
    if not amount.is_finite() or amount < 0 or amount != money(amount):
        raise ValueError(f"fee must be a non-negative whole number of cents: {amount}")
    return int(amount.scaleb(2))


def _integer_weights(weights: Sequence[Decimal]) -> list[int]:
    """The weights scaled by one power of ten to exact integers (same proportions)."""
    for weight in weights:
        if not weight.is_finite() or weight < 0:
            raise ValueError(f"weights must be finite and non-negative: {weight}")
    places = max(0, *(-int(w.as_tuple().exponent) for w in weights))
    return [int(w.scaleb(places)) for w in weights]


def paid_by_member(allocations: Iterable[Any]) -> dict[int, Decimal]:
    """What each member pays for these allocations (anything with member_id and paid)."""
    paid: dict[int, Decimal] = {}
    for allocation in allocations:
        member = allocation.member_id
        paid[member] = paid.get(member, ZERO) + allocation.paid
    return paid
