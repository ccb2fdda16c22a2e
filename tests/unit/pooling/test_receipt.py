"""Rule 10: receipts against a plain reference, on random orders, and the refusals.

The reference works in fractions, straight from the rule's words: pro-rata cuts, floors
in steps, the steps left one by one to the largest remainder, ties to the earlier need.
"""

from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.confirmation import LineError
from pooling.domain.model import Allocation, OrderLine, SupplierOrder
from pooling.domain.pricing import cost_of
from pooling.domain.receipt import cut_shortfall, receive_line, receive_order
from tests.unit.pooling.test_optimise_property import ref_cents, ref_split


def ref_received(quantities: list[Fraction], received: Fraction) -> list[Fraction]:
    """What each need gets of ``received`` under rule 10."""
    demand = sum(quantities)
    if received >= demand:
        return list(quantities)
    shortfall = demand - received
    whole = all(q.denominator == 1 for q in [*quantities, shortfall])
    step = Fraction(1) if whole else Fraction(1, 1000)
    quotas = [shortfall * q / demand / step for q in quantities]
    cuts = [floor(quota) for quota in quotas]
    given_to: set[int] = set()
    while sum(cuts) * step < shortfall:
        left = [i for i in range(len(quotas)) if i not in given_to]
        best = max(left, key=lambda i: (quotas[i] - floor(quotas[i]), -i))
        cuts[best] += 1
        given_to.add(best)
    return [q - c * step for q, c in zip(quantities, cuts, strict=True)]


def test_worked_example_cut_and_ties_to_the_earlier_need() -> None:
    assert cut_shortfall([Decimal(6), Decimal(8)], Decimal(12)) == [5, 7]
    assert cut_shortfall([Decimal(3), Decimal(3)], Decimal(5)) == [2, 3]  # tie: earlier cut
    assert cut_shortfall([Decimal(3), Decimal(3)], Decimal(0)) == [0, 0]


def test_fractional_needs_are_cut_in_thousandths() -> None:
    got = cut_shortfall([Decimal("2.5"), Decimal("1")], Decimal("3"))
    assert got == [Decimal("2.143"), Decimal("0.857")]  # cuts 0.357 and 0.143 of 0.5
    assert cut_shortfall([Decimal(2), Decimal(3)], Decimal("4.5")) == [
        Decimal("1.8"),
        Decimal("2.7"),
    ]


# --- random orders ---------------------------------------------------------------------

quantities = st.one_of(
    st.integers(1, 40).map(Decimal),
    st.integers(1, 40_000).map(lambda n: Decimal(n).scaleb(-3)),
)
prices = st.integers(1, 2_000_000).map(lambda n: Decimal(n).scaleb(-4))


@st.composite
def orders(draw: st.DrawFn) -> tuple[SupplierOrder, dict[str, Decimal]]:
    """A confirmed order of 1-3 lines and a received quantity per line (never over Q)."""
    lines, received, need_id = [], {}, 0
    for number in range(draw(st.integers(1, 3))):
        sku, price = f"SKU-{number}", draw(prices)
        needs = draw(st.lists(quantities, min_size=1, max_size=5))
        allocations = []
        for quantity in needs:
            need_id += draw(st.integers(1, 3))
            goods = cost_of(quantity, price)
            allocations.append(Allocation(need_id, need_id % 4, quantity, goods, goods * 0, goods))
        ordered = sum(needs, Decimal(0)) + draw(st.sampled_from([0, 1, 5])) * Decimal("1.5")
        lines.append(
            OrderLine(
                sku, 1, ordered, price, cost_of(ordered, price), Decimal(0), tuple(allocations)
            )
        )
        fine = draw(st.booleans())
        r = draw(st.integers(0, int(ordered * (1000 if fine else 1))))
        received[sku] = Decimal(r).scaleb(-3) if fine else Decimal(r)
    fee = Decimal(draw(st.integers(0, 5000))).scaleb(-2)
    total = sum((line.line_total for line in lines), fee)
    return SupplierOrder(7, tuple(lines), fee, total), received


@settings(max_examples=400, deadline=None)
@given(orders())
def test_receipts_follow_the_reference_exactly(case) -> None:
    order, received = case
    got = receive_order(order, received)
    for line, placed in zip(got.lines, order.lines, strict=True):
        r, u = Fraction(received[line.sku]), Fraction(line.unit_price)
        asked = [Fraction(a.quantity) for a in placed.allocations]
        expected = ref_received(asked, r)
        assert [Fraction(a.received) for a in line.allocations] == expected
        assert all(0 <= a.received <= a.quantity for a in line.allocations)
        assert Fraction(line.depot_quantity) == max(r - sum(asked), 0)
        assert [Fraction(a.goods) for a in line.allocations] == [ref_cents(q * u) for q in expected]
        assert Fraction(line.received_value) == ref_cents(r * u)
        # members' goods + the depot's stock value and cent residue = the received value
        goods = sum(a.goods for a in line.allocations)
        assert goods + line.depot_value + line.residue == line.received_value
        assert Fraction(line.depot_value) == ref_cents(Fraction(line.depot_quantity) * u)
    allocations = sorted(
        (a for line in got.lines for a in line.allocations), key=lambda a: a.need_id
    )
    shares = ref_split(Fraction(order.shipping_fee), [Fraction(a.goods) for a in allocations])
    assert [Fraction(a.shipping_share) for a in allocations] == shares
    assert all(a.paid == a.goods + a.shipping_share for a in allocations)
    assert got.total == sum(line.received_value for line in got.lines) + order.shipping_fee


# --- refusals --------------------------------------------------------------------------

LINE = OrderLine(
    "SIL-300",
    6,
    Decimal(72),
    Decimal("4.20"),
    Decimal("302.40"),
    Decimal(8),
    (Allocation(2, 2, Decimal(30), Decimal("126.00"), Decimal(0), Decimal("126.00")),),
)
ORDER = SupplierOrder(1, (LINE,), Decimal("0.00"), Decimal("302.40"))


def test_over_delivery_is_refused_unless_the_depot_takes_it() -> None:
    with pytest.raises(LineError, match="take the extra into the depot") as refused:
        receive_line(LINE, Decimal(80))
    assert (refused.value.field, refused.value.sku) == ("received_quantity", "SIL-300")
    taken = receive_order(ORDER, {"SIL-300": Decimal(80)}, extra_to_depot={"SIL-300"})
    (line,) = taken.lines
    assert (line.depot_quantity, line.over_delivery, line.depot_value) == (50, 8, Decimal("210.00"))
    assert not taken.short


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.0005"), Decimal("NaN"), 12, 1.5])
def test_negative_over_precise_or_non_decimal_quantities_are_refused(bad) -> None:
    with pytest.raises(LineError, match=r"quantity|decimals") as refused:
        receive_line(LINE, bad)
    assert refused.value.field == "received_quantity"


def test_every_line_and_only_the_order_s_lines_must_be_booked() -> None:
    with pytest.raises(LineError, match="no received quantity for SIL-300"):
        receive_order(ORDER, {})
    with pytest.raises(LineError, match="no line GIPS-25") as unknown:
        receive_order(ORDER, {"SIL-300": Decimal(72), "GIPS-25": Decimal(1)})
    assert unknown.value.sku == "GIPS-25"
    with pytest.raises(LineError, match="no line GIPS-25") as unknown_extra:
        receive_order(ORDER, {"SIL-300": Decimal(72)}, extra_to_depot={"GIPS-25"})
    assert unknown_extra.value.field == "extra_to_depot"
