"""Rule 8: confirming an order line by line, the fee recomputed and split again."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.closing import close_window
from pooling.domain.confirmation import LineError, confirm_order
from pooling.domain.model import Need, SupplierOrder, SupplierTerms
from tests.unit.pooling.test_optimise_property import ref_split
from tests.unit.pooling.test_worked_example import DISP, NEEDS, OFFERS, SIL, SOLVE, SUPPLIERS, A, d


@pytest.fixture(scope="module")
def order() -> SupplierOrder:
    (placed,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    return placed


def test_declining_disp_returns_its_needs_and_the_fee_comes_back(order: SupplierOrder) -> None:
    confirmation = confirm_order(order, SUPPLIERS[A], [DISP])
    assert confirmation.declined == (DISP,)
    assert confirmation.returned_needs == (
        Need(1, 1, DISP, d("6")),
        Need(3, 3, DISP, d("8")),
    )
    confirmed = confirmation.order
    assert [line.sku for line in confirmed.lines] == [SIL]
    # SIL alone is 302.40 < 500.00: A's fee of 25.00 is due, split over goods 126.00/84.00/58.80
    assert (confirmed.shipping_fee, confirmed.total) == (d("25.00"), d("327.40"))
    (sil,) = confirmed.lines
    shares = [(a.need_id, a.goods, a.shipping_share, a.paid) for a in sil.allocations]
    assert shares == [
        (2, d("126.00"), d("11.72"), d("137.72")),
        (4, d("84.00"), d("7.81"), d("91.81")),
        (5, d("58.80"), d("5.47"), d("64.27")),
    ]


def test_declining_sil_keeps_disp_over_the_threshold_free(order: SupplierOrder) -> None:
    confirmation = confirm_order(order, SUPPLIERS[A], [SIL, SIL])
    assert confirmation.declined == (SIL,)
    assert [n.need_id for n in confirmation.returned_needs] == [2, 4, 5]
    confirmed = confirmation.order
    assert (confirmed.shipping_fee, confirmed.total) == (d("0.00"), d("532.00"))


def test_confirming_all_keeps_the_order(order: SupplierOrder) -> None:
    assert confirm_order(order, SUPPLIERS[A]).order == order


def test_an_unknown_line_or_every_line_is_refused(order: SupplierOrder) -> None:
    with pytest.raises(LineError, match="no line GIPS-25") as unknown:
        confirm_order(order, SUPPLIERS[A], ["GIPS-25"])
    assert (unknown.value.field, unknown.value.sku) == ("declined", "GIPS-25")
    with pytest.raises(LineError, match="reject the order instead"):
        confirm_order(order, SUPPLIERS[A], [DISP, SIL])


@settings(max_examples=200, deadline=None)
@given(
    fee=st.integers(0, 5000),
    free_from=st.one_of(st.none(), st.integers(0, 200_000)),
    declined=st.sets(st.sampled_from([DISP, SIL]), max_size=1),
)
def test_fee_follows_the_terms_and_splits_by_rule_6(fee, free_from, declined) -> None:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    cents = d(str(fee)).scaleb(-2)
    terms = SupplierTerms(A, cents, None if free_from is None else d(str(free_from)).scaleb(-2))
    confirmed = confirm_order(order, terms, declined).order
    kept_value = sum(Fraction(line.line_total) for line in confirmed.lines)
    due = 0 if free_from is not None and kept_value * 100 >= free_from else fee
    assert confirmed.shipping_fee * 100 == due
    allocations = sorted(
        (a for line in confirmed.lines for a in line.allocations), key=lambda a: a.need_id
    )
    expected = ref_split(Fraction(due, 100), [Fraction(a.goods) for a in allocations])
    assert [Fraction(a.shipping_share) for a in allocations] == expected
    assert all(a.paid == a.goods + a.shipping_share for a in allocations)
    assert Fraction(confirmed.total) == kept_value + Fraction(due, 100)
