"""The worked example of design.md, "Pricing and pooling rules", to the cent."""

from decimal import Decimal

import pytest

from pooling.adapters.highs import HighsSolver
from pooling.domain.closing import close_window
from pooling.domain.model import Need, Offer, SupplierTerms, Tier, WindowResult
from pooling.domain.optimise import cheapest_assignment
from pooling.domain.pricing import price_line

A, B = 1, 2
DISP, SIL = "DISP-10L", "SIL-300"

SOLVE = HighsSolver(time_limit=10)


def d(text: str) -> Decimal:
    return Decimal(text)


def tiers(*pairs: tuple[str, str]) -> tuple[Tier, ...]:
    return tuple(Tier(d(q), d(p)) for q, p in pairs)


OFFERS = {
    DISP: [
        Offer(A, DISP, d("1"), tiers(("0", "42.00"), ("10", "38.00"), ("25", "34.50"))),
        Offer(B, DISP, d("1"), tiers(("0", "40.00"), ("20", "37.00"))),
    ],
    SIL: [Offer(A, SIL, d("12"), tiers(("0", "4.20"), ("120", "3.60")))],
}
SUPPLIERS = {
    A: SupplierTerms(A, d("25.00"), d("500.00")),
    B: SupplierTerms(B, d("19.00"), d("300.00")),
}
# need ids in the order of the design's list: m1 DISP 6; m2 SIL 30; m3 DISP 8, SIL 20; m4 SIL 14
NEEDS = [
    Need(1, 1, DISP, d("6")),
    Need(2, 2, SIL, d("30")),
    Need(3, 3, DISP, d("8")),
    Need(4, 3, SIL, d("20")),
    Need(5, 4, SIL, d("14")),
]


@pytest.fixture(scope="module")
def result() -> WindowResult:
    return close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE)


def test_pooled_lines_are_priced_as_in_the_design() -> None:
    assert price_line(OFFERS[DISP][0], d("14")).line_total == d("532.00")
    assert price_line(OFFERS[DISP][1], d("14")).line_total == d("560.00")
    sil = price_line(OFFERS[SIL][0], d("64"))
    assert (sil.packs, sil.ordered_quantity, sil.line_total) == (6, d("72"), d("302.40"))


def test_both_products_go_to_a_with_the_fee_waived(result: WindowResult) -> None:
    assert [order.supplier_id for order in result.orders] == [A]
    order = result.orders[0]
    assert [line.sku for line in order.lines] == [DISP, SIL]
    assert order.shipping_fee == d("0.00")
    assert order.total == d("834.40")
    assert result.total_cost == d("834.40")


def test_disp_at_b_would_cost_more() -> None:
    split = d("560.00") + d("302.40") + d("25.00")
    assert split == d("887.40")
    cheapest = cheapest_assignment({DISP: d("14"), SIL: d("64")}, OFFERS, SUPPLIERS, SOLVE)
    assert cheapest.supplier_by_sku == {DISP: A, SIL: A}
    assert cheapest.total_cost < split


def test_lines_and_depot_surplus(result: WindowResult) -> None:
    disp, sil = result.orders[0].lines
    assert (disp.packs, disp.ordered_quantity, disp.unit_price) == (14, d("14"), d("38.00"))
    assert (disp.line_total, disp.surplus_quantity) == (d("532.00"), d("0"))
    assert (sil.packs, sil.ordered_quantity, sil.unit_price) == (6, d("72"), d("4.20"))
    assert (sil.line_total, sil.surplus_quantity) == (d("302.40"), d("8"))
    assert result.depot_value == d("33.60")  # 8 x SIL at 4.20


def test_allocations_per_need(result: WindowResult) -> None:
    allocations = [a for line in result.orders[0].lines for a in line.allocations]
    assert [
        (a.need_id, a.member_id, a.quantity, a.goods, a.shipping_share, a.paid) for a in allocations
    ] == [
        (1, 1, d("6"), d("228.00"), d("0.00"), d("228.00")),
        (3, 3, d("8"), d("304.00"), d("0.00"), d("304.00")),
        (2, 2, d("30"), d("126.00"), d("0.00"), d("126.00")),
        (4, 3, d("20"), d("84.00"), d("0.00"), d("84.00")),
        (5, 4, d("14"), d("58.80"), d("0.00"), d("58.80")),
    ]


def test_members_paid_baseline_and_saved(result: WindowResult) -> None:
    got = {m: (s.paid, s.baseline, s.saved) for m, s in result.members.items()}
    assert got == {
        1: (d("228.00"), d("259.00"), d("31.00")),
        2: (d("126.00"), d("176.20"), d("50.20")),
        3: (d("388.00"), d("445.80"), d("57.80")),
        4: (d("58.80"), d("125.80"), d("67.00")),
    }
    assert result.members_paid == d("800.80")
    assert result.members_baseline == d("1006.80")
    assert result.members_saved == d("206.00")
    assert result.unoffered_needs == ()


def test_baselines_choose_their_own_suppliers() -> None:
    m1 = cheapest_assignment({DISP: d("6")}, OFFERS, SUPPLIERS, SOLVE)
    assert (m1.supplier_by_sku, m1.fees, m1.total_cost) == ({DISP: B}, {B: d("19.00")}, d("259.00"))
    m3 = cheapest_assignment({DISP: d("8"), SIL: d("20")}, OFFERS, SUPPLIERS, SOLVE)
    assert m3.supplier_by_sku == {DISP: B, SIL: A}
    assert m3.fees == {A: d("25.00"), B: d("0.00")}
    assert m3.total_cost == d("445.80")
