"""What it would take to reach the next tier or free shipping, against brute force.

The reference walks the demand up step by step (whole units, or thousandths where the
offer or the demand has decimals), prices every step by the rules in fractions, and
stops at the first that orders the next tier or brings the supplier to free shipping.
"""

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.model import Offer, SupplierTerms, Tier
from pooling.domain.reach import free_shipping_reach, next_tier_reach

LIMIT = 20000  # steps the reference walks before it gives up


def ref_ordered(offer: Offer, demand: Fraction) -> Fraction:
    size = Fraction(offer.pack_size)
    return ceil(demand / size) * size if demand > 0 else Fraction(0)


def ref_value(offer: Offer, demand: Fraction) -> Fraction:
    ordered = ref_ordered(offer, demand)
    price = max((t for t in offer.tiers if t.min_quantity <= ordered), key=lambda t: t.min_quantity)
    cents = ordered * Fraction(price.unit_price) * 100
    return Fraction(floor(cents + Fraction(1, 2)), 100)


def ref_step(offer: Offer, demand: Decimal) -> Fraction:
    amounts = [demand, offer.pack_size, *(t.min_quantity for t in offer.tiers)]
    return Fraction(1) if all(a == int(a) for a in amounts) else Fraction(1, 1000)


def ref_first(offer: Offer, demand: Decimal, reached) -> Fraction | None:
    step = ref_step(offer, demand)
    for k in range(LIMIT):
        if reached(Fraction(demand) + k * step):
            return k * step
    return None


quantities = st.decimals(min_value=0, max_value=60, places=0) | st.decimals(
    min_value=0, max_value=20, places=3
)
pack_sizes = st.sampled_from([Decimal(1), Decimal(4), Decimal(12), Decimal("2.5"), Decimal("0.75")])


@st.composite
def offers(draw) -> Offer:
    mins = sorted(draw(st.sets(st.integers(min_value=1, max_value=80), max_size=3)))
    prices = sorted(
        draw(st.lists(st.integers(1, 900), min_size=len(mins) + 1, max_size=len(mins) + 1)),
        reverse=True,
    )
    tiers = [Tier(Decimal(0), Decimal(prices[0]) / 100)]
    tiers += [Tier(Decimal(m), Decimal(p) / 100) for m, p in zip(mins, prices[1:], strict=True)]
    return Offer(1, "P", draw(pack_sizes), tuple(tiers))


@settings(max_examples=300, deadline=None)
@given(offers(), quantities)
def test_the_next_tier_is_reached_with_the_least_more(offer: Offer, demand: Decimal) -> None:
    found = next_tier_reach(offer, demand)
    ordered = ref_ordered(offer, Fraction(demand))
    higher = [t for t in offer.tiers if t.min_quantity > ordered]
    if not higher:
        assert found is None
        return
    assert found is not None and found.min_quantity == higher[0].min_quantity
    expected = ref_first(offer, demand, lambda d: ref_ordered(offer, d) >= higher[0].min_quantity)
    if expected is None:  # farther than the reference walks: at least past it
        assert Fraction(found.more) >= LIMIT * ref_step(offer, demand)
    else:
        assert Fraction(found.more) == expected
    now = max((t for t in offer.tiers if t.min_quantity <= ordered), key=lambda t: t.min_quantity)
    assert found.saves_per_unit == now.unit_price - higher[0].unit_price


@settings(max_examples=300, deadline=None)
@given(
    offers(),
    quantities,
    st.integers(min_value=0, max_value=30000),
    st.integers(min_value=1, max_value=40000),
)
def test_free_shipping_is_reached_with_the_least_more(
    offer: Offer, demand: Decimal, elsewhere_cents: int, free_cents: int
) -> None:
    elsewhere, threshold = Decimal(elsewhere_cents) / 100, Decimal(free_cents) / 100
    terms = SupplierTerms(1, Decimal("25.00"), threshold)
    expected = ref_first(
        offer, demand, lambda d: Fraction(elsewhere) + ref_value(offer, d) >= Fraction(threshold)
    )
    found = free_shipping_reach(offer, demand, elsewhere, terms)
    if expected is None:  # farther than the reference walks: at least past it
        assert found is not None and Fraction(found) >= LIMIT * ref_step(offer, demand)
    else:
        assert Fraction(found) == expected


def test_a_supplier_that_never_ships_free_is_never_reached() -> None:
    offer = Offer(1, "P", Decimal(1), (Tier(Decimal(0), Decimal("4.20")),))
    assert (
        free_shipping_reach(offer, Decimal(3), Decimal(0), SupplierTerms(1, Decimal(9), None))
        is None
    )


def test_the_worked_example_in_words() -> None:
    """DISP-10L at A (pack 1): 14 pooled, 11 more reach 34.50, 3.50 less per bucket; SIL-300
    at A (pack 12): 64 pooled in 6 packs, the 10th pack (more than 108) reaches 3.60."""
    disp = Offer(
        1,
        "DISP-10L",
        Decimal(1),
        tuple(
            Tier(Decimal(m), Decimal(p)) for m, p in ((0, "42.00"), (10, "38.00"), (25, "34.50"))
        ),
    )
    sil = Offer(
        1,
        "SIL-300",
        Decimal(12),
        (Tier(Decimal(0), Decimal("4.20")), Tier(Decimal(120), Decimal("3.60"))),
    )
    reach = next_tier_reach(disp, Decimal(14))
    assert reach is not None and (reach.more, reach.saves_per_unit) == (
        Decimal(11),
        Decimal("3.50"),
    )
    reach = next_tier_reach(sil, Decimal(64))
    assert reach is not None and (reach.more, reach.unit_price) == (Decimal(45), Decimal("3.60"))
    # free shipping at A from 500.00: DISP alone at 14 is 532.00 already; SIL alone needs 12
    # packs (144 at 3.60 = 518.40; 10 packs at 3.60 are 432.00, 9 at 4.20 453.60): more than 132
    terms = SupplierTerms(1, Decimal("25.00"), Decimal("500.00"))
    assert free_shipping_reach(disp, Decimal(14), Decimal(0), terms) == 0
    assert free_shipping_reach(sil, Decimal(64), Decimal(0), terms) == Decimal(69)
