"""Rule 7's baselines against brute force, on windows where fees decide the choice.

Every member's baseline is its own needs priced alone at the cheapest assignment
(rule 5). ``member_baselines`` settles fees, drops offers and suppliers and splits
products into parts before any solver; the reference enumerates every assignment with
exact fractions (``ref_cheapest``). Fees here are of the size of the lines, many never
waived, and prices repeat, so that dropping a supplier for its fee is often right by a
cent or wrong by one.
"""

from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pooling.adapters.highs import HighsSolver
from pooling.domain.baselines import member_baselines, own_demand
from pooling.domain.model import Need, Offer, SupplierTerms, Tier
from tests.unit.pooling.test_optimise_property import ref_cheapest

SOLVE = HighsSolver(time_limit=10, workers=1)

FEES = st.sampled_from([Decimal("0.00"), Decimal("3.00"), Decimal("5.00"), Decimal("8.00")])
THRESHOLDS = st.sampled_from([None, None, Decimal(0), Decimal(10), Decimal(25)])
PRICES = st.sampled_from([Decimal(n) for n in ("1", "2", "2.5", "3", "4", "6")])


@st.composite
def offer(draw: st.DrawFn, supplier_id: int, sku: str) -> Offer:
    tiers = [Tier(Decimal(0), draw(PRICES))]
    if draw(st.booleans()):
        tiers.append(Tier(Decimal(3), draw(PRICES)))
    return Offer(supplier_id, sku, draw(st.sampled_from([Decimal(1), Decimal(2)])), tuple(tiers))


@st.composite
def windows(draw: st.DrawFn) -> tuple[list[Need], dict, dict]:
    ids = range(1, draw(st.integers(2, 5)) + 1)
    suppliers = {sid: SupplierTerms(sid, draw(FEES), draw(THRESHOLDS)) for sid in ids}
    skus = [f"SKU-{i}" for i in range(draw(st.integers(1, 6)))]
    offers = {}
    for sku in skus:
        sellers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        offers[sku] = [draw(offer(sid, sku)) for sid in sorted(sellers)]
    picks = st.tuples(st.sampled_from(skus), st.integers(1, 4), st.integers(1, 4))
    rows = draw(st.lists(picks, min_size=1, max_size=16))
    needs = [Need(i, m, sku, Decimal(q)) for i, (sku, m, q) in enumerate(rows, start=1)]
    return needs, offers, suppliers


def _one_tier(supplier_id: int, sku: str, price: str) -> Offer:
    return Offer(supplier_id, sku, Decimal(1), (Tier(Decimal(0), Decimal(price)),))


# Supplier 1's fee (8) is worth paying for A and C (1 each there, 6 at supplier 2),
# though B costs 3 less at supplier 4 (20 at 1, 17 at 4, 4 at supplier 3 with a fee of
# 17): B's cheaper line elsewhere must not count against the rise of moving A and C.
WORTH_ITS_FEE = (
    [Need(1, 1, "A", Decimal(1)), Need(2, 1, "B", Decimal(1)), Need(3, 1, "C", Decimal(1))],
    {
        "A": [_one_tier(1, "A", "1"), _one_tier(2, "A", "6")],
        "B": [_one_tier(1, "B", "20"), _one_tier(3, "B", "4"), _one_tier(4, "B", "17")],
        "C": [_one_tier(1, "C", "1"), _one_tier(2, "C", "6")],
    },
    {
        1: SupplierTerms(1, Decimal("8.00"), None),
        2: SupplierTerms(2, Decimal("0.00"), None),
        3: SupplierTerms(3, Decimal("17.00"), None),
        4: SupplierTerms(4, Decimal("0.00"), None),
    },
)


@settings(max_examples=400, deadline=None)
@given(window=windows())
@example(window=WORTH_ITS_FEE)
def test_every_members_baseline_is_its_cheapest_assignment_alone(window: tuple) -> None:
    needs, offers, suppliers = window
    demand = own_demand(needs)
    baselines, optimal = member_baselines(demand, offers, suppliers, SOLVE)
    assert optimal
    expected = {
        member: ref_cheapest({s: Fraction(q) for s, q in wanted.items()}, offers, suppliers)[0]
        for member, wanted in demand.items()
    }
    assert {member: Fraction(cost) for member, cost in baselines.items()} == expected
