"""Billing's handlers on a unit of work in memory: when a member's invoice is due
(rule 13), numbering, corrections as credit notes, and what billing ignores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.model import Kind, LineKind
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import Documents
from shared import events
from tests.unit.billing.factories import DISP, RECEIVED, SELLER, SIL, buyer, need
from tests.unit.billing.fakes import FakeUnitOfWork

TODAY = date(2026, 3, 16)
BILLING = handlers.Billing(
    SELLER, "ZK", lambda invoice: Documents(b"%PDF", b"<xml/>"), lambda: TODAY
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for member_id in (1, 2, 3, 4):
        handlers.record_member(c.RecordMember(buyer(member_id)), uow, BILLING)
    for product in (DISP, SIL):
        handlers.record_product(c.RecordProduct(product), uow)
    return uow


def placed(order_id: int, *member_needs: tuple[int, int, str]) -> c.RecordOrder:
    needs = tuple(
        c.PlacedNeed(need_id, member_id, sku, Decimal(10), Decimal("38.00"))
        for member_id, need_id, sku in member_needs
    )
    return c.RecordOrder(order_id, 1, 1, needs)


def received(order_id: int, members: list[int], revision: int = 1, **changed) -> c.RecordReceipt:  # type: ignore[no-untyped-def]
    needs = tuple((m, changed.get(f"need{n.need_id}", n)) for m in members for n in RECEIVED[m])
    results = tuple(c.MemberResult(m, Decimal(0), Decimal(0), Decimal("12.50")) for m in members)
    return c.RecordReceipt(order_id, 1, revision, date(2026, 3, 14), needs, results)


WORKED = placed(
    1,
    (1, 1, "DISP-10L"),
    (2, 2, "SIL-300"),
    (3, 3, "DISP-10L"),
    (3, 4, "SIL-300"),
    (4, 5, "SIL-300"),
)


def test_the_worked_example_is_invoiced_once_received(uow: FakeUnitOfWork) -> None:
    handlers.record_order(WORKED, uow)
    handlers.confirm_order(c.ConfirmOrder(1, 1, frozenset({1, 2, 3, 4, 5})), uow, BILLING)
    assert uow.invoices.rows == []

    handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, BILLING)

    grosses = [i.charges.gross_total for i in uow.invoices.rows]
    assert grosses == [Decimal(g) for g in ("226.10", "149.94", "416.50", "69.97")]
    assert [i.number for i in uow.invoices.rows] == [f"ZK-2026-00000{n}" for n in (1, 2, 3, 4)]
    assert all(
        i.savings == Decimal("12.50") and i.delivered_on == date(2026, 3, 14)
        for i in uow.invoices.rows
    )
    issued = [events.load(events.dump(e)) for e in uow.published]
    assert [e.payload["gross_total"] for e in issued] == [
        Decimal("226.10"),
        Decimal("149.94"),
        Decimal("416.50"),
        Decimal("69.97"),
    ]
    assert issued[0].payload | {"issued_on": None} == {
        "invoice_id": 1,
        "number": "ZK-2026-000001",
        "type": "invoice",
        "member_id": 1,
        "window_id": 1,
        "issued_on": None,
        "net_total": Decimal("190.00"),
        "vat_total": Decimal("36.10"),
        "gross_total": Decimal("226.10"),
        "language": "de",
    }


def test_a_member_waits_for_every_order_holding_its_needs(uow: FakeUnitOfWork) -> None:
    handlers.record_order(placed(1, (1, 1, "DISP-10L"), (3, 3, "DISP-10L")), uow)
    handlers.record_order(placed(2, (2, 2, "SIL-300"), (3, 4, "SIL-300")), uow)

    needs = ((1, RECEIVED[1][0]), (3, RECEIVED[3][0]))
    handlers.record_receipt(c.RecordReceipt(1, 1, 1, TODAY, needs, ()), uow, BILLING)
    assert [i.member_id for i in uow.invoices.rows] == [1]  # member 3 waits for order 2

    handlers.reject_order(c.RejectOrder(2, 1), uow, BILLING)

    # order 2's needs went back to the pool: member 3 is billed for what order 1 brought
    assert [(i.member_id, i.charges.net_total) for i in uow.invoices.rows] == [
        (1, Decimal("190.00")),
        (3, Decimal("266.00")),
    ]
    assert uow.orders.standing(1)[1].members == frozenset()


def test_a_declined_line_no_longer_holds_its_member_back(uow: FakeUnitOfWork) -> None:
    handlers.record_order(placed(1, (3, 3, "DISP-10L")), uow)
    handlers.record_order(placed(2, (2, 2, "SIL-300"), (3, 4, "SIL-300")), uow)
    order_1 = c.RecordReceipt(1, 1, 1, TODAY, ((3, RECEIVED[3][0]),), ())
    handlers.record_receipt(order_1, uow, BILLING)
    assert uow.invoices.rows == []

    handlers.confirm_order(c.ConfirmOrder(2, 1, frozenset({2})), uow, BILLING)  # need 4 declined

    [invoice] = uow.invoices.rows
    assert (invoice.member_id, invoice.charges.net_total) == (3, Decimal("266.00"))


def test_a_corrected_receipt_gives_a_credit_note_and_a_new_invoice(uow: FakeUnitOfWork) -> None:
    handlers.record_order(WORKED, uow)
    handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, BILLING)
    more = need(1, "DISP-10L", "6", "38.00")

    handlers.record_receipt(received(1, [1, 2, 3, 4], revision=2, need1=more), uow, BILLING)

    first, credit, again = uow.invoices.rows[0], uow.invoices.rows[4], uow.invoices.rows[5]
    assert len(uow.invoices.rows) == 6  # the others' invoices stand
    assert credit.kind is Kind.CREDIT_NOTE and credit.corrects is not None
    assert (credit.corrects.number, credit.number) == ("ZK-2026-000001", "ZK-2026-000005")
    assert credit.charges.gross_total == first.charges.gross_total
    assert (again.kind, again.number, again.generation) == (Kind.INVOICE, "ZK-2026-000006", 2)
    assert again.charges.net_total == Decimal("228.00")
    assert uow.invoices.current(1, 1) == again


def test_the_first_receipt_is_revision_0_and_an_older_one_arriving_late_changes_nothing(
    uow: FakeUnitOfWork,
) -> None:
    handlers.record_order(WORKED, uow)
    handlers.record_receipt(received(1, [1, 2, 3, 4], revision=0), uow, BILLING)
    assert len(uow.invoices.rows) == 4
    more = need(1, "DISP-10L", "6", "38.00")
    handlers.record_receipt(received(1, [1, 2, 3, 4], revision=2, need1=more), uow, BILLING)

    handlers.record_receipt(received(1, [1, 2, 3, 4], revision=1), uow, BILLING)
    handlers.record_receipt(received(1, [1, 2, 3, 4], revision=2, need1=more), uow, BILLING)

    assert len(uow.invoices.rows) == 6  # revision 2: m1's credit note and new invoice, once
    assert uow.invoices.rows[-1].charges.net_total == Decimal("228.00")


def test_an_unknown_member_is_invoiced_once_its_registration_arrives() -> None:
    uow = FakeUnitOfWork()
    handlers.record_order(WORKED, uow)
    handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, BILLING)
    assert uow.invoices.rows == []

    handlers.record_member(
        c.RecordMember(buyer(2, legal_name="Maler Zwei GmbH", language="en")), uow, BILLING
    )

    [invoice] = uow.invoices.rows
    assert (invoice.member_id, invoice.buyer.invoice_name, invoice.language) == (
        2,
        "Maler Zwei GmbH",
        "en",
    )
    assert invoice.lines[0].vat_rate == Decimal("19")  # unknown product: rule 12's default
    handlers.record_member(c.RecordMember(buyer(2)), uow, BILLING)
    assert len(uow.invoices.rows) == 1  # issued once


def test_a_receipt_of_an_order_billing_never_saw_is_refused(uow: FakeUnitOfWork) -> None:
    with pytest.raises(LookupError):
        handlers.record_receipt(received(7, [1]), uow, BILLING)


def served(window_id: int, *parts: tuple[int, int, str, str]) -> c.ServeFromDepot:
    """The depot served (member, need, quantity, rest) of SIL-300 at 4.20 from order 1's lot."""
    return c.ServeFromDepot(
        window_id,
        tuple(
            c.DepotPart(member, need(need_id, "SIL-300", quantity, "4.20"), Decimal(rest))
            for member, need_id, quantity, rest in parts
        ),
        (),
    )


def test_a_need_the_depot_served_whole_is_invoiced_at_book_value_at_once(
    uow: FakeUnitOfWork,
) -> None:
    handlers.serve_from_depot(served(2, (2, 10, "8", "0")), uow, BILLING)

    [invoice] = uow.invoices.rows
    assert (invoice.member_id, invoice.window_id) == (2, 2)
    [line] = invoice.lines
    assert (line.quantity, line.unit_price, line.net_amount) == (
        8,
        Decimal("4.20"),
        Decimal("33.60"),
    )
    assert (invoice.charges.vat_total, invoice.charges.gross_total) == (
        Decimal("6.38"),
        Decimal("39.98"),
    )


def test_a_need_served_in_part_waits_for_its_rests_order_and_is_invoiced_with_both(
    uow: FakeUnitOfWork,
) -> None:
    """The worked example's second window: m2 needs 10 SIL-300, 8 from the depot, 2 ordered."""
    handlers.record_order(
        c.RecordOrder(2, 2, 1, (c.PlacedNeed(10, 2, "SIL-300", Decimal(2), Decimal("4.20")),)), uow
    )
    handlers.serve_from_depot(served(2, (2, 10, "8", "2")), uow, BILLING)
    assert uow.invoices.rows == []

    rest = need(10, "SIL-300", "2", "4.20", share="25.00", order_id=2)
    receipt = c.RecordReceipt(2, 2, 0, date(2026, 3, 20), ((2, rest),), ())
    handlers.record_receipt(receipt, uow, BILLING)

    [invoice] = uow.invoices.rows
    assert [(line.kind, line.quantity, line.net_amount) for line in invoice.lines] == [
        (LineKind.GOODS, 2, Decimal("8.40")),
        (LineKind.GOODS, 8, Decimal("33.60")),
        (LineKind.FEE_SHARE, 1, Decimal("25.00")),
    ]
    assert invoice.charges.net_total == Decimal("67.00")


def test_a_members_mandate_is_kept_and_forgotten_with_its_registration(
    uow: FakeUnitOfWork,
) -> None:
    from billing.entrypoints.consumer import record_member

    mandate = {"iban": "DE02120300000000202051", "mandate_reference": "ZK-M-1"}
    registered = {"member_id": 1, "name": "Malerbetrieb 1", "legal_name": "Maler Eins GmbH"}
    registered |= {"trade": "painter", "email": "m1@betrieb.example", "postcode": "44135"}
    with_mandate = events.Event.of(
        "catalog.member.registered",
        registered | mandate | {"mandate_signed_on": date(2026, 1, 5)},
    )
    handlers.record_member(record_member(with_mandate), uow, BILLING)

    [kept] = uow.mandates.all()
    assert (kept.name, kept.reference, kept.signed_on) == (
        "Maler Eins GmbH",
        "ZK-M-1",
        date(2026, 1, 5),
    )
    without = events.Event.of("catalog.member.registered", registered | mandate)
    handlers.record_member(record_member(without), uow, BILLING)
    assert uow.mandates.all() == []
