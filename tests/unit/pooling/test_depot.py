"""Rule 11: the depot's ledger, write-offs, and serving a close from the depot first."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.closing import close_window
from pooling.domain.confirmation import LineError, confirm_order
from pooling.domain.depot import (
    Lot,
    Movement,
    MovementKind,
    correction_movements,
    depot_value,
    receipt_movements,
    serve_from_depot,
    stock,
    write_off,
)
from pooling.domain.model import Need, Offer, Tier
from pooling.domain.pricing import cost_of
from pooling.domain.receipt import receive_order
from tests.unit.pooling.test_optimise_property import ref_cents
from tests.unit.pooling.test_receipt import orders
from tests.unit.pooling.test_worked_example import DISP, NEEDS, OFFERS, SIL, SOLVE, SUPPLIERS, A, d

RECEIVED_ON = date(2026, 12, 10)
NEXT_CLOSE = date(2026, 12, 17)


@pytest.fixture(scope="module")
def ledger():
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    received = receive_order(
        confirm_order(order, SUPPLIERS[A]).order, {DISP: d("12"), SIL: d("72")}
    )
    return receipt_movements(1, RECEIVED_ON, received)


def test_worked_example_puts_8_sil_into_the_depot_worth_33_60(ledger) -> None:
    assert [(m.kind, m.sku, m.quantity, m.value) for m in ledger] == [
        (MovementKind.SURPLUS, SIL, d("8"), d("33.60"))
    ]
    assert stock(ledger) == (Lot(SIL, 1, RECEIVED_ON, d("8"), d("4.20")),)
    assert depot_value(ledger) == d("33.60")


def test_second_window_serves_8_from_the_depot_and_pools_2(ledger) -> None:
    need = Need(6, 2, SIL, d("10"))
    service = serve_from_depot([need], stock(ledger), NEXT_CLOSE)
    assert [(p.need_id, p.order_id, p.quantity, p.goods) for p in service.served] == [
        (6, 1, d("8"), d("33.60"))
    ]
    assert service.paid_by_member == {2: d("33.60")}
    assert service.rest == (Need(6, 2, SIL, d("2")),)
    after = ledger + service.movements
    assert (stock(after), depot_value(after)) == ((), d("0.00"))
    (order,) = close_window(service.rest, OFFERS, SUPPLIERS, SOLVE).orders
    (line,) = order.lines
    assert (line.sku, line.ordered_quantity, line.surplus_quantity) == (SIL, d("12"), d("10"))


def test_accepted_over_delivery_enters_the_same_lot() -> None:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    received = receive_order(order, {DISP: d("14"), SIL: d("75")}, extra_to_depot={SIL})
    movements = receipt_movements(1, RECEIVED_ON, received)
    assert [(m.kind, m.quantity, m.value) for m in movements] == [
        (MovementKind.SURPLUS, d("8"), d("33.60")),
        (MovementKind.OVER_DELIVERY, d("3"), d("12.60")),
    ]
    assert stock(movements) == (Lot(SIL, 1, RECEIVED_ON, d("11"), d("4.20")),)


def test_a_write_off_needs_a_reason_and_stock_to_write_off(ledger) -> None:
    (lot,) = stock(ledger)
    gone = write_off(lot, d("3"), " Kartuschen ausgehärtet ", NEXT_CLOSE)
    assert (gone.kind, gone.quantity, gone.value, gone.reason) == (
        MovementKind.WRITE_OFF,
        d("-3"),
        d("-12.60"),
        "Kartuschen ausgehärtet",
    )
    assert depot_value((*ledger, gone)) == d("21.00") == stock((*ledger, gone))[0].value
    with pytest.raises(LineError, match="reason") as no_reason:
        write_off(lot, d("1"), "  ", NEXT_CLOSE)
    assert no_reason.value.field == "reason"
    for bad in (d("9"), d("0"), d("0.0001"), d("-1")):
        with pytest.raises(LineError) as refused:
            write_off(lot, bad, "Bruch", NEXT_CLOSE)
        assert refused.value.field == "quantity"


def test_oldest_lot_first_and_earlier_need_first() -> None:
    old = Lot(SIL, 9, date(2026, 11, 1), d("5"), d("4.00"))
    new = Lot(SIL, 3, date(2026, 12, 1), d("5"), d("4.20"))
    needs = [Need(8, 2, SIL, d("4")), Need(7, 1, SIL, d("4")), Need(9, 3, DISP, d("1"))]
    service = serve_from_depot(needs, [new, old], NEXT_CLOSE)
    assert [(p.need_id, p.order_id, p.quantity, p.goods) for p in service.served] == [
        (7, 9, d("4"), d("16.00")),
        (8, 9, d("1"), d("4.00")),
        (8, 3, d("3"), d("12.60")),
    ]
    assert service.rest == (Need(9, 3, DISP, d("1")),)


# --- random ledgers against a plain simulation ----------------------------------------

quantity = st.integers(1, 30_000).map(lambda n: Decimal(n).scaleb(-3))
price = st.integers(1, 100_000).map(lambda n: Decimal(n).scaleb(-4))
lots = st.lists(
    st.builds(
        Lot,
        sku=st.sampled_from(["A", "B"]),
        order_id=st.integers(1, 6),
        received_on=st.dates(date(2026, 1, 1), date(2026, 1, 5)),
        quantity=quantity,
        book_value=price,
    ),
    max_size=5,
    unique_by=lambda lot: (lot.sku, lot.order_id),
)
needs = st.lists(
    st.builds(
        Need,
        need_id=st.integers(1, 50),
        member_id=st.integers(1, 3),
        sku=st.sampled_from(["A", "B", "C"]),
        quantity=quantity,
    ),
    max_size=6,
    unique_by=lambda need: need.need_id,
)


def ref_serve(needs: list[Need], lots: list[Lot]) -> list[tuple[int, int, Fraction]]:
    """(need id, lot's order, quantity): needs by id, each from its oldest lots."""
    left = {(lot.sku, lot.order_id): Fraction(lot.quantity) for lot in lots}
    dated = {(lot.sku, lot.order_id): lot.received_on for lot in lots}
    served = []
    for need in sorted(needs, key=lambda n: n.need_id):
        wanted = Fraction(need.quantity)
        for sku, order_id in sorted(left, key=lambda key: (dated[key], key[1])):
            if sku == need.sku and wanted and left[(sku, order_id)]:
                take = min(wanted, left[(sku, order_id)])
                served.append((need.need_id, order_id, take))
                left[(sku, order_id)] -= take
                wanted -= take
    return served


@settings(max_examples=300, deadline=None)
@given(needs, lots)
def test_serving_matches_the_simulation_and_the_ledger_adds_up(needs, lots) -> None:
    ins = [m for lot in lots for m in _lot_in(lot)]
    service = serve_from_depot(needs, stock(ins), NEXT_CLOSE)
    got = [(p.need_id, p.order_id, Fraction(p.quantity)) for p in service.served]
    assert got == ref_serve(needs, lots)
    for need in needs:
        served = sum(p.quantity for p in service.served if p.need_id == need.need_id)
        rest = sum(r.quantity for r in service.rest if r.need_id == need.need_id)
        assert served + rest == need.quantity and served <= need.quantity
    ledger = [*ins, *service.movements]
    assert depot_value(ledger) == sum(lot.value for lot in stock(ledger))
    paid = sum(p.goods for p in service.served)
    assert depot_value(ins) - paid == depot_value(ledger)


@settings(max_examples=200, deadline=None)
@given(orders())
def test_members_goods_plus_depot_equal_the_received_value(case) -> None:
    order, received = case
    got = receive_order(order, received)
    movements = receipt_movements(4, RECEIVED_ON, got)
    goods = sum(a.goods for line in got.lines for a in line.allocations)
    received_value = sum(
        ref_cents(Fraction(received[line.sku]) * Fraction(line.unit_price)) for line in order.lines
    )
    assert Fraction(goods + depot_value(movements)) == received_value
    for lot in stock(movements):
        line = next(line for line in got.lines if line.sku == lot.sku)
        assert (lot.quantity, lot.book_value) == (line.depot_quantity, line.unit_price)


def _lot_in(lot: Lot) -> list[Movement]:
    """A lot as a surplus entering the depot."""
    value = cost_of(lot.quantity, lot.book_value)
    kind = MovementKind.SURPLUS
    return [
        Movement(kind, lot.sku, lot.order_id, lot.received_on, lot.quantity, value, lot.book_value)
    ]


def test_a_corrected_receipt_moves_the_difference(ledger) -> None:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    booked = receive_order(order, {DISP: d("12"), SIL: d("72")})
    corrected = receive_order(order, {DISP: d("14"), SIL: d("70")})
    moved = correction_movements(1, NEXT_CLOSE, ledger, booked, corrected)
    assert [(m.kind, m.quantity, m.value, m.reason) for m in moved] == [
        (MovementKind.SURPLUS, d("-2"), d("-8.40"), "receipt corrected")
    ]
    assert stock((*ledger, *moved)) == (Lot(SIL, 1, RECEIVED_ON, d("6"), d("4.20")),)


def test_a_correction_cannot_take_back_what_left_the_depot(ledger) -> None:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    booked = receive_order(order, {DISP: d("12"), SIL: d("72")})
    served = serve_from_depot([Need(6, 2, SIL, d("7"))], stock(ledger), NEXT_CLOSE)
    corrected = receive_order(order, {DISP: d("12"), SIL: d("68")})
    with pytest.raises(LineError, match="only 1 SIL-300 of this order are left") as refused:
        correction_movements(1, NEXT_CLOSE, (*ledger, *served.movements), booked, corrected)
    assert (refused.value.field, refused.value.sku) == ("received_quantity", SIL)


@settings(max_examples=200, deadline=None)
@given(orders(), st.data())
def test_a_correction_leaves_the_depot_as_if_booked_so(case, data) -> None:
    order, first = case
    second = {
        line.sku: Decimal(data.draw(st.integers(0, int(line.ordered_quantity * 1000)))).scaleb(-3)
        for line in order.lines
    }
    booked, corrected = receive_order(order, first), receive_order(order, second)
    ledger = receipt_movements(4, RECEIVED_ON, booked)
    moved = correction_movements(4, NEXT_CLOSE, ledger, booked, corrected)
    direct = receipt_movements(4, RECEIVED_ON, corrected)
    assert depot_value((*ledger, *moved)) == depot_value(direct)
    # A lot the correction first creates counts from the correction's day, so the
    # lots' order may differ from a receipt booked so at once; their contents may not.
    strip = sorted((lot.sku, lot.quantity, lot.book_value) for lot in stock((*ledger, *moved)))
    assert strip == sorted((lot.sku, lot.quantity, lot.book_value) for lot in stock(direct))


# --- the close serves from the depot first ----------------------------------------------


def test_the_close_serves_8_from_the_depot_and_orders_2(ledger) -> None:
    result = close_window(
        [Need(6, 2, SIL, d("10"))], OFFERS, SUPPLIERS, SOLVE, stock(ledger), NEXT_CLOSE
    )
    assert result.depot is not None
    assert [(p.need_id, p.quantity, p.goods) for p in result.depot.served] == [
        (6, d("8"), d("33.60"))
    ]
    (order,) = result.orders
    ((allocation,),) = [line.allocations for line in order.lines]
    assert (allocation.quantity, allocation.goods, allocation.shipping_share) == (
        d("2"),
        d("8.40"),
        d("25.00"),
    )
    # the baseline is m2's whole need alone: one pack of 12 at 4.20 plus A's fee
    assert result.members[2].baseline == d("75.40")
    assert result.members[2].paid == d("33.60") + d("8.40") + d("25.00")
    assert result.depot_paid == d("33.60")
    assert result.depot_value == order.total - d("33.40")  # the new pack's surplus of 10


def test_an_empty_depot_leaves_the_close_as_it_was() -> None:
    plain = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE)
    other = [Lot(DISP, 1, RECEIVED_ON, d("3"), d("38.00"))]
    with_depot = close_window(NEEDS[1:2], OFFERS, SUPPLIERS, SOLVE, other, NEXT_CLOSE)
    assert plain.depot is None and with_depot.depot is None  # no lot of the needs' products
    assert close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE, (), NEXT_CLOSE) == plain


def test_a_product_no_one_offers_is_served_in_whole_needs_only() -> None:
    lot = Lot("GLUE", 1, RECEIVED_ON, d("5"), d("2.00"))
    needs = [Need(1, 1, "GLUE", d("6")), Need(2, 2, "GLUE", d("4")), Need(3, 3, "GLUE", d("2"))]
    result = close_window(needs, OFFERS, SUPPLIERS, SOLVE, [lot], NEXT_CLOSE)
    assert result.depot is not None
    assert [(p.need_id, p.quantity) for p in result.depot.served] == [(2, d("4"))]
    assert [(n.need_id, n.quantity) for n in result.unoffered_needs] == [(1, d("6")), (3, d("2"))]
    assert result.orders == () and result.members[2].paid == d("8.00")


@settings(max_examples=100, deadline=None)
@given(needs, lots)
def test_every_need_is_served_whole_by_depot_and_order_together(needs, lots) -> None:
    offers = {"A": [_offer("A", "12", "4.20")], "B": [_offer("B", "0.5", "3.00")]}
    result = close_window(needs, offers, SUPPLIERS, SOLVE, lots, NEXT_CLOSE)
    served = () if result.depot is None else result.depot.served
    waiting = {need.need_id for need in result.unoffered_needs}
    for need in needs:
        from_depot = sum((p.quantity for p in served if p.need_id == need.need_id), d("0"))
        ordered = sum(
            (
                a.quantity
                for order in result.orders
                for line in order.lines
                for a in line.allocations
                if a.need_id == need.need_id
            ),
            d("0"),
        )
        if need.need_id in waiting:  # no one offers C: whole from the depot, or it waits
            assert (from_depot, ordered, need.sku) == (0, 0, "C")
        else:
            assert from_depot + ordered == need.quantity
    order_paid = sum(a.paid for o in result.orders for line in o.lines for a in line.allocations)
    assert result.members_paid == order_paid + sum((p.goods for p in served), d("0.00"))
    before = depot_value([m for lot in lots for m in _lot_in(lot)])
    after = before - sum((p.goods for p in served), d("0.00"))
    left = [m for lot in lots for m in _lot_in(lot)]
    if result.depot is not None:
        left += list(result.depot.movements)
    assert depot_value(left) == after


def _offer(sku: str, pack: str, price: str) -> Offer:
    return Offer(A, sku, d(pack), (Tier(d("0"), d(price)),))
