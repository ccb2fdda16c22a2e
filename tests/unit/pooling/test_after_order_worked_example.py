"""The worked example of design.md, "After the order", continued, to the cent."""

import pytest

from pooling.domain.closing import close_window, window_savings
from pooling.domain.confirmation import confirm_order
from pooling.domain.model import SupplierOrder
from pooling.domain.receipt import ReceivedOrder, receive_order
from tests.unit.pooling.test_worked_example import (
    DISP,
    NEEDS,
    OFFERS,
    SIL,
    SOLVE,
    SUPPLIERS,
    A,
    d,
)


@pytest.fixture(scope="module")
def confirmed() -> SupplierOrder:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    confirmation = confirm_order(order, SUPPLIERS[A])
    assert confirmation.returned_needs == ()
    return confirmation.order


@pytest.fixture(scope="module")
def received(confirmed: SupplierOrder) -> ReceivedOrder:
    return receive_order(confirmed, {DISP: d("12"), SIL: d("72")})


def test_supplier_a_confirms_the_whole_order_fee_waived(confirmed: SupplierOrder) -> None:
    assert (confirmed.total, confirmed.shipping_fee) == (d("834.40"), d("0.00"))
    assert [line.sku for line in confirmed.lines] == [DISP, SIL]


def test_disp_shortfall_is_cut_m1_5_m3_7(received: ReceivedOrder) -> None:
    disp, sil = received.lines
    assert [(a.member_id, a.quantity, a.received) for a in disp.allocations] == [
        (1, d("6"), d("5")),
        (3, d("8"), d("7")),
    ]
    assert disp.depot_quantity == 0
    assert [(a.member_id, a.received) for a in sil.allocations] == [
        (2, d("30")),
        (3, d("20")),
        (4, d("14")),
    ]


def test_sil_surplus_goes_to_the_depot_at_4_20(received: ReceivedOrder) -> None:
    sil = received.lines[1]
    assert (sil.depot_quantity, sil.unit_price, sil.depot_value) == (d("8"), d("4.20"), d("33.60"))
    assert sil.over_delivery == 0
    assert all(line.residue == 0 for line in received.lines)


def test_order_after_receipt_is_758_40_fee_still_waived(received: ReceivedOrder) -> None:
    assert [line.received_value for line in received.lines] == [d("456.00"), d("302.40")]
    assert (received.shipping_fee, received.total) == (d("0.00"), d("758.40"))
    assert received.short


def test_net_goods_per_member(received: ReceivedOrder) -> None:
    assert received.paid_by_member == {
        1: d("190.00"),
        2: d("126.00"),
        3: d("350.00"),
        4: d("58.80"),
    }
    goods = sum(a.goods for line in received.lines for a in line.allocations)
    assert goods == d("724.80")
    assert goods + sum(line.depot_value for line in received.lines) == received.total


def test_baselines_and_savings_on_received_quantities(received: ReceivedOrder) -> None:
    savings, optimal = window_savings(
        received.received_needs, received.paid_by_member, OFFERS, SUPPLIERS, SOLVE
    )
    assert optimal
    assert {m: (s.baseline, s.saved) for m, s in savings.items()} == {
        1: (d("219.00"), d("29.00")),
        2: (d("176.20"), d("50.20")),
        3: (d("419.80"), d("69.80")),
        4: (d("125.80"), d("67.00")),
    }
