"""Pooling's handlers on a unit of work in memory: a supplier's answer, receipts at the
depot and at a site, and the catalog's needs as they reach the pool."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pooling.domain.closing import close_window
from pooling.domain.confirmation import LineError
from pooling.domain.model import HEAD_OFFICE, SupplierOrder
from pooling.domain.site_receipt import Site
from pooling.service_layer import reactions
from pooling.service_layer.commands import (
    BookReceipt,
    BookSiteReceipt,
    ClosePool,
    ConfirmOrder,
    RejectOrder,
    WriteOffStock,
)
from pooling.service_layer.decisions import confirm_order, reject_order
from pooling.service_layer.handlers import close_pool
from pooling.service_layer.receiving import book_receipt, write_off_stock
from pooling.service_layer.site_receipts import book_site_receipt
from shared.errors import Conflict, Forbidden
from shared.events import (
    NeedCancelled,
    NeedChanged,
    NeedChangeRefused,
    NeedPosted,
    NeedWithdrawn,
    OrderConfirmed,
    OrderReceived,
    OrderRejected,
)
from tests.unit.pooling.fakes import FakeUnitOfWork
from tests.unit.pooling.test_worked_example import (
    DISP,
    NEEDS,
    OFFERS,
    SIL,
    SOLVE,
    SUPPLIERS,
    A,
    B,
    d,
)

TODAY = date(2026, 3, 16)
ORDER = 1


def today() -> date:
    return TODAY


@pytest.fixture(scope="module")
def placed() -> SupplierOrder:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    return order


@pytest.fixture
def uow(placed: SupplierOrder) -> FakeUnitOfWork:
    """The worked example's window closed: its one order placed with supplier A."""
    uow = FakeUnitOfWork(OFFERS, SUPPLIERS.values())
    uow.place(uow.closed_window().id, placed, NEEDS)
    return uow


def confirmed(uow: FakeUnitOfWork) -> FakeUnitOfWork:
    confirm_order(ConfirmOrder(ORDER, A), uow, solve=SOLVE)
    uow.events.clear()
    return uow


def test_a_window_closed_already_is_not_closed_again(uow: FakeUnitOfWork) -> None:
    reactions.on_needs_posted([posted(20)], uow)  # the next window is open
    closed = uow.orders.get(ORDER).window_id
    with pytest.raises(Conflict):
        close_pool(ClosePool(closed), uow, solve=SOLVE, today=today)
    assert uow.pool.current_window().id != closed
    assert uow.events == [] and list(uow.orders.rows) == [ORDER]


def test_the_supplier_confirms_its_placed_order_whole(uow: FakeUnitOfWork) -> None:
    order = confirm_order(ConfirmOrder(ORDER, A, date(2026, 3, 20)), uow, solve=SOLVE)

    assert (order.status, order.expected_delivery) == ("confirmed", date(2026, 3, 20))
    [event] = uow.published(OrderConfirmed)
    assert sorted(event.need_ids) == [1, 2, 3, 4, 5]
    assert (event.returned_needs, event.total) == ([], d("834.40"))
    assert {need.status for need in uow.needs.rows.values()} == {"ordered"}


def test_another_supplier_cannot_confirm_the_order(uow: FakeUnitOfWork) -> None:
    with pytest.raises(Forbidden):
        confirm_order(ConfirmOrder(ORDER, B), uow, solve=SOLVE)
    assert uow.orders.get(ORDER).status == "placed"
    assert uow.events == []


def test_a_declined_line_puts_its_needs_back_into_the_open_pool(uow: FakeUnitOfWork) -> None:
    closed_in = uow.orders.get(ORDER).window_id
    confirm_order(ConfirmOrder(ORDER, A, declined=frozenset({DISP})), uow, solve=SOLVE)

    [event] = uow.published(OrderConfirmed)
    assert sorted(n["need_id"] for n in event.returned_needs) == [1, 3]
    assert [line["sku"] for line in event.lines] == [SIL]
    back = [uow.needs.rows[need_id] for need_id in (1, 3)]
    assert {(n.status, n.order_id) for n in back} == {("open", None)}
    assert {n.window_id for n in back} == {uow.pool.current_window().id} != {closed_in}
    # member 1 had only DISP: it now pays nothing in the window, and saves nothing
    savings = {s["member_id"]: s for s in event.member_savings}
    assert (savings[1]["paid"], savings[1]["saved"]) == (d("0.00"), d("0.00"))


def test_a_rejection_puts_every_need_back_into_the_pool(uow: FakeUnitOfWork) -> None:
    order = reject_order(RejectOrder(ORDER, A, "Lager leer"), uow, solve=SOLVE)

    assert order.status == "rejected"
    [event] = uow.published(OrderRejected)
    assert (event.reason, sorted(event.need_ids)) == ("Lager leer", [1, 2, 3, 4, 5])
    assert {(n.status, n.order_id) for n in uow.needs.rows.values()} == {("open", None)}
    assert {s["paid"] for s in event.member_savings} == {d("0.00")}
    with pytest.raises(Conflict):  # a rejected order is decided
        confirm_order(ConfirmOrder(ORDER, A), uow, solve=SOLVE)


def test_a_receipt_waits_for_the_confirmation(uow: FakeUnitOfWork) -> None:
    with pytest.raises(Conflict):
        book_receipt(
            BookReceipt(ORDER, {DISP: d("14"), SIL: d("72")}), uow, solve=SOLVE, today=today
        )
    assert uow.events == [] and uow.depot.ledger() == []


def test_a_receipt_is_booked_once(uow: FakeUnitOfWork) -> None:
    confirmed(uow)
    receipt = BookReceipt(ORDER, {DISP: d("12"), SIL: d("72")})
    order = book_receipt(receipt, uow, solve=SOLVE, today=today)

    assert order.status == "received"
    [event] = uow.published(OrderReceived)
    assert (event.revision, event.short) == (0, True)
    booked = uow.depot.ledger()
    assert {(m.sku, m.quantity) for m in booked} >= {(SIL, d("8"))}  # the pack surplus
    with pytest.raises(Conflict):
        book_receipt(receipt, uow, solve=SOLVE, today=today)
    assert len(uow.published(OrderReceived)) == 1
    assert uow.depot.ledger() == booked


def test_a_write_off_takes_no_more_than_the_lot_holds(uow: FakeUnitOfWork) -> None:
    confirmed(uow)
    book_receipt(BookReceipt(ORDER, {DISP: d("14"), SIL: d("72")}), uow, solve=SOLVE, today=today)
    write_off = WriteOffStock(SIL, ORDER, d("3"), "beschädigt")

    assert write_off_stock(write_off, uow, today=today).quantity == d("-3")
    with pytest.raises(LineError):
        write_off_stock(WriteOffStock(SIL, ORDER, d("6"), "verloren"), uow, today=today)
    assert uow.depot.holdings() == {SIL: d("5")}


def test_a_member_books_only_its_own_lines_at_its_site(uow: FakeUnitOfWork) -> None:
    confirmed(uow)

    def book(member_id: int, received: dict[str, Decimal]) -> None:
        cmd = BookSiteReceipt(ORDER, member_id, None, received)
        book_site_receipt(cmd, uow, solve=SOLVE, today=today)

    with pytest.raises(Forbidden):  # member 9 has no need in the order
        book(9, {DISP: d("1")})
    with pytest.raises(LineError):  # member 1 needs DISP only
        book(1, {DISP: d("6"), SIL: d("12")})
    book(1, {DISP: d("6")})
    with pytest.raises(Conflict):  # its site is booked already
        book(1, {DISP: d("5")})

    assert uow.orders.site_parts(ORDER) == {Site(1, HEAD_OFFICE): {DISP: d("6")}}
    assert uow.orders.get(ORDER).status == "confirmed"  # the office still counts the rest


def posted(need_id: int, quantity: str = "5") -> NeedPosted:
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return NeedPosted(need_id=need_id, member_id=7, sku=SIL, quantity=d(quantity), posted_at=moment)


def cancelled(need_id: int, sku: str = SIL, member_id: int = 7) -> NeedCancelled:
    return NeedCancelled(need_id=need_id, member_id=member_id, sku=sku)


def test_a_need_posted_twice_is_pooled_once(uow: FakeUnitOfWork) -> None:
    reactions.on_needs_posted([posted(20)], uow)
    reactions.on_needs_posted([posted(20), posted(21)], uow)

    open_window = uow.pool.current_window().id
    pooled = {n.need_id: n for n in uow.needs.rows.values() if n.window_id == open_window}
    assert sorted(pooled) == [20, 21]
    assert pooled[20].quantity == d("5")


def test_an_open_need_is_withdrawn_when_cancelled(uow: FakeUnitOfWork) -> None:
    reactions.on_needs_posted([posted(20)], uow)
    reactions.on_need_cancelled(cancelled(20), uow)

    assert uow.needs.rows[20].status == "cancelled"
    [withdrawn] = uow.published(NeedWithdrawn)
    assert (withdrawn.need_id, withdrawn.member_id) == (20, 7)


def test_a_cancellation_of_an_ordered_need_is_refused(uow: FakeUnitOfWork) -> None:
    reactions.on_need_cancelled(cancelled(1, DISP, 1), uow)

    assert (uow.needs.rows[1].status, uow.needs.rows[1].order_id) == ("ordered", ORDER)
    assert uow.published(NeedWithdrawn) == []


def test_a_cancellation_ahead_of_its_post_keeps_the_post_out(uow: FakeUnitOfWork) -> None:
    reactions.on_need_cancelled(cancelled(20), uow)
    reactions.on_needs_posted([posted(20)], uow)

    assert (uow.needs.rows[20].status, uow.needs.rows[20].quantity) == ("cancelled", 0)
    assert len(uow.published(NeedWithdrawn)) == 1


def test_a_need_withdrawn_already_is_not_withdrawn_again(uow: FakeUnitOfWork) -> None:
    """Catalog's cancellation sent twice under two event ids, which the inbox does not
    tell apart: the second finds the need withdrawn and publishes nothing."""
    reactions.on_needs_posted([posted(20)], uow)
    reactions.on_need_cancelled(cancelled(20), uow)
    reactions.on_need_cancelled(cancelled(20), uow)

    assert uow.needs.rows[20].status == "cancelled"
    assert len(uow.published(NeedWithdrawn)) == 1


def test_a_tombstone_is_withdrawn_once(uow: FakeUnitOfWork) -> None:
    reactions.on_need_cancelled(cancelled(20), uow)
    reactions.on_need_cancelled(cancelled(20), uow)
    reactions.on_needs_posted([posted(20)], uow)

    assert (uow.needs.rows[20].status, uow.needs.rows[20].quantity) == ("cancelled", 0)
    assert len(uow.published(NeedWithdrawn)) == 1


def test_a_change_of_an_ordered_need_is_refused_and_said_so(uow: FakeUnitOfWork) -> None:
    moment = datetime(2026, 3, 3, tzinfo=UTC)
    change = NeedChanged(need_id=1, member_id=1, sku=DISP, quantity=d("9"), changed_at=moment)
    reactions.on_need_changed(change, uow)

    assert uow.needs.rows[1].quantity == d("6")
    [refused] = uow.published(NeedChangeRefused)
    assert (refused.need_id, refused.quantity) == (1, d("6"))
