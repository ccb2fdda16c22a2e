"""Rule 12's VAT per rate: net amounts summed per rate, each rate's VAT rounded once."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pooling.domain.vat import VatAtRate, vat_breakdown

D = Decimal


def test_the_worked_example_at_19_percent() -> None:
    assert vat_breakdown([(D(19), D("532.00")), (D(19), D("302.40"))]) == [
        VatAtRate(D(19), D("834.40"), D("158.54"))
    ]


def test_each_rate_is_rounded_on_its_sum_not_line_by_line() -> None:
    # 0.07 per line would be 0.0133 -> 0.01 each, 0.03 for three; on the sum 0.21 -> 0.04
    lines = [(D(19), D("0.07"))] * 3

    assert vat_breakdown(lines) == [VatAtRate(D(19), D("0.21"), D("0.04"))]


def test_half_a_cent_rounds_up_and_rates_come_highest_first() -> None:
    # 7 % of 0.50 is 0.035 -> 0.04; 19 % of 2.50 is 0.475 -> 0.48; 0 % is shown with 0.00
    breakdown = vat_breakdown([(D(7), D("0.50")), (D(0), D("3.00")), (D("19.00"), D("2.50"))])

    assert breakdown == [
        VatAtRate(D(19), D("2.50"), D("0.48")),
        VatAtRate(D(7), D("0.50"), D("0.04")),
        VatAtRate(D(0), D("3.00"), D("0.00")),
    ]


def test_nothing_taxed_has_no_rate() -> None:
    assert vat_breakdown([]) == []


cents = st.integers(min_value=0, max_value=10**8).map(lambda n: D(n) / 100)
rates = st.sampled_from([D(19), D(7), D(0)])


@given(st.lists(st.tuples(rates, cents), max_size=30))
def test_vat_per_rate_is_within_half_a_cent_of_the_exact_figure(
    amounts: list[tuple[Decimal, Decimal]],
) -> None:
    breakdown = vat_breakdown(amounts)

    assert sum((entry.taxable for entry in breakdown), D(0)) == sum((a for _r, a in amounts), D(0))
    for entry in breakdown:
        exact = entry.taxable * entry.rate / 100
        assert abs(entry.vat - exact) <= D("0.005")
        assert entry.vat == entry.vat.quantize(D("0.01"))
