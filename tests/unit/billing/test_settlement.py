"""A settlement run (rule 15): who is collected and how much, the Skonto date and amount
of each supplier payment, the two SEPA files valid against their ISO 20022 schemas, that
a second run (even of an overlapping period, even before the first is submitted)
collects and pays nothing twice, and that a run books its collections on the members'
accounts only when the office submits it, once; a discarded run frees what it held."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
from lxml import etree

from billing.adapters import sepa
from billing.bootstrap import sepa_files
from billing.domain.accounts import Entry, EntryKind
from billing.domain.settlement import (
    Mandate,
    PayableSupplierInvoice,
    PaymentTerms,
    Period,
    Taken,
    collections,
    skonto_date,
    transfer_for,
)
from billing.domain.settlement_runs import RunState
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.settling import (
    BookPayment,
    CancelSettlement,
    RunSettlement,
    SubmitSettlement,
    book_payment,
    cancel_settlement,
    run_settlement,
    submit_settlement,
)
from billing.service_layer.unit_of_work import Documents
from shared.errors import Conflict, Invalid, NotFound
from shared.settings import Settings
from tests.unit.billing.factories import DISP, SELLER, SIL, buyer
from tests.unit.billing.fakes import FakeUnitOfWork
from tests.unit.billing.test_handlers import WORKED, received

TODAY = date(2026, 3, 16)
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
SCHEMAS = Path(sepaxml.__file__).parent / "schemas"
SETTINGS = Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32})
FILES = sepa_files(SETTINGS, lambda: TODAY)
GROSS = {1: Decimal("226.10"), 2: Decimal("149.94"), 3: Decimal("416.50"), 4: Decimal("69.97")}
TERMS = PaymentTerms(Decimal("2"), 10, 30)


def mandate(member_id: int) -> Mandate:
    iban = "DE02120300000000202051"
    return Mandate(
        member_id, f"Malerbetrieb {member_id}", iban, f"ZK-M-{member_id}", date(2026, 1, 5)
    )


def supplier_invoice(invoice_id: int = 1, issued_on: date = TODAY) -> PayableSupplierInvoice:
    return PayableSupplierInvoice(
        supplier_invoice_id=invoice_id,
        supplier_id=1,
        supplier_name="Farbenwerk Ruhr GmbH",
        iban="DE02500105170137075030",
        number=f"FR-2026-{invoice_id:04d}",
        issued_on=issued_on,
        gross_total=Decimal("902.50"),
        terms=TERMS,
    )


def assert_valid(xml: bytes, schema: str) -> etree._Element:
    """The file against its ISO 20022 schema, read here by lxml (not sepaxml's check)."""
    document = etree.fromstring(xml)
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / f"{schema}.xsd")))
    assert xsd.validate(document), xsd.error_log
    return document


def texts(document: etree._Element, tag: str) -> list[str]:
    return [e.text for e in document.iter(f"{{*}}{tag}")]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """The worked example invoiced (rule 13): members 1, 2 and 3 have a mandate, 4 none."""
    uow = FakeUnitOfWork()
    billing = handlers.Billing(SELLER, "ZK", lambda i: Documents(b"%PDF", b"<x/>"), lambda: TODAY)
    for member_id in (1, 2, 3, 4):
        with_mandate = mandate(member_id) if member_id != 4 else None
        handlers.record_member(c.RecordMember(buyer(member_id), with_mandate), uow, billing)
    for product in (DISP, SIL):
        handlers.record_product(c.RecordProduct(product), uow)
    handlers.record_order(WORKED, uow)
    handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, billing)
    return uow


def test_members_with_a_mandate_are_collected_their_gross_totals(uow: FakeUnitOfWork) -> None:
    run = run_settlement(RunSettlement(MARCH), uow, FILES)

    assert [(x.mandate.member_id, x.amount) for x in run.collections] == [
        (m, GROSS[m]) for m in (1, 2, 3)
    ]
    assert all(x.first for x in run.collections)
    assert run.figures.collected == GROSS[1] + GROSS[2] + GROSS[3]
    assert run.figures.collect_on == date(2026, 3, 18)
    debits = assert_valid(uow.settlements.files[run.id][0], sepa.DIRECT_DEBIT_SCHEMA)
    assert texts(debits, "InstdAmt") == ["226.10", "149.94", "416.50"]
    assert texts(debits, "MndtId") == ["ZK-M-1", "ZK-M-2", "ZK-M-3"]
    assert "DE98ZZZ09999999999" in texts(debits, "Id")  # the creditor identifier
    assert uow.settlements.files[run.id][1] is None  # no supplier invoice to pay


def test_a_second_run_of_an_overlapping_period_collects_only_what_is_still_open(
    uow: FakeUnitOfWork,
) -> None:
    first = run_settlement(RunSettlement(MARCH), uow, FILES)
    uow.supplier_invoices.rows.append(supplier_invoice())

    second = run_settlement(RunSettlement(Period(date(2026, 3, 10), date(2026, 4, 30))), uow, FILES)

    assert first.figures.collected > 0
    assert second.collections == () and second.figures.collected == Decimal("0.00")
    assert uow.settlements.files[second.id][0] is None
    assert [t.invoice.supplier_invoice_id for t in second.transfers] == [1]
    third = run_settlement(RunSettlement(MARCH), uow, FILES)
    assert third.transfers == () and third.collections == ()


def test_a_member_paying_part_by_hand_is_collected_the_rest_as_a_recurring_debit(
    uow: FakeUnitOfWork,
) -> None:
    uow.settlements.taken = lambda: Taken(mandates=frozenset({"ZK-M-1"}))  # type: ignore[method-assign]
    book_payment(BookPayment(1, date(2026, 3, 17), Decimal("26.10"), "Überweisung"), uow)

    run = run_settlement(RunSettlement(MARCH), uow, FILES)

    first = run.collections[0]
    assert (first.mandate.member_id, first.amount, first.first) == (1, Decimal("200.00"), False)
    debits = assert_valid(uow.settlements.files[run.id][0], sepa.DIRECT_DEBIT_SCHEMA)
    assert texts(debits, "SeqTp") == ["RCUR", "FRST"]


def test_a_payment_by_hand_needs_a_known_member_and_an_amount(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFound):
        book_payment(BookPayment(99, TODAY, Decimal("1.00"), "x"), uow)
    with pytest.raises(Invalid):
        book_payment(BookPayment(1, TODAY, Decimal("0.00"), "x"), uow)


def test_collections_skip_members_without_a_mandate_or_without_an_open_balance() -> None:
    entries = {
        1: [Entry(1, TODAY, EntryKind.INVOICE, "ZK-1", Decimal("10.00"))],
        2: [Entry(2, TODAY, EntryKind.CREDIT_NOTE, "ZK-2", Decimal("10.00"))],
        3: [Entry(3, TODAY, EntryKind.INVOICE, "ZK-3", Decimal("10.00"))],
    }
    found = collections(
        MARCH, [mandate(2), mandate(1)], entries, Taken(mandates=frozenset({"ZK-M-1"}))
    )
    assert [(x.mandate.member_id, x.amount, x.first) for x in found] == [
        (1, Decimal("10.00"), False)
    ]


def test_a_supplier_is_paid_on_its_skonto_date_less_the_discount() -> None:
    invoice = supplier_invoice()

    transfer = transfer_for(invoice, TODAY)

    assert skonto_date(invoice) == date(2026, 3, 26)
    assert (transfer.execute_on, transfer.skonto) == (date(2026, 3, 26), Decimal("18.05"))
    assert transfer.amount == Decimal("884.45")


def test_the_skonto_is_rounded_half_up_to_the_cent() -> None:
    invoice = supplier_invoice()
    odd = PayableSupplierInvoice(**{**vars(invoice), "gross_total": Decimal("902.25")})
    assert transfer_for(odd, TODAY).skonto == Decimal("18.05")  # 18.045
    three = PayableSupplierInvoice(**{**vars(invoice), "terms": PaymentTerms(Decimal("3"), 14, 30)})
    assert transfer_for(three, TODAY).skonto == Decimal("27.08")  # 27.075


def test_once_the_skonto_date_has_passed_the_whole_amount_is_paid_when_due() -> None:
    late = supplier_invoice(issued_on=date(2026, 3, 1))
    assert transfer_for(late, TODAY).execute_on == date(2026, 3, 31)
    assert transfer_for(late, TODAY).amount == Decimal("902.50")
    overdue = supplier_invoice(issued_on=date(2026, 1, 2))
    assert transfer_for(overdue, TODAY).execute_on == TODAY


def test_the_credit_transfers_file_pays_each_invoice_on_its_day(uow: FakeUnitOfWork) -> None:
    uow.supplier_invoices.rows += [supplier_invoice(1), supplier_invoice(2, date(2026, 3, 1))]
    uow.supplier_invoices.rows.append(supplier_invoice(3, date(2026, 4, 2)))  # after March

    run = run_settlement(RunSettlement(MARCH), uow, FILES)

    transfers = assert_valid(uow.settlements.files[run.id][1], sepa.CREDIT_TRANSFER_SCHEMA)
    assert sorted(texts(transfers, "InstdAmt")) == ["884.45", "902.50"]
    assert sorted(texts(transfers, "ReqdExctnDt")) == ["2026-03-26", "2026-03-31"]
    assert run.figures.skonto == Decimal("18.05")
    assert run.figures.paid == Decimal("1786.95")


def test_the_creditor_id_is_checked_by_its_check_digits() -> None:
    assert sepa.creditor_id_is_valid("DE98ZZZ09999999999")
    assert not sepa.creditor_id_is_valid("DE97ZZZ09999999999")
    assert not sepa.creditor_id_is_valid("DE98")
    bad = Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_COOPERATIVE_CREDITOR_ID": "X"})
    with pytest.raises(ValueError, match="CREDITOR_ID"):
        sepa_files(bad)


def test_a_file_a_bank_would_refuse_stops_the_run_and_books_nothing(
    uow: FakeUnitOfWork,
) -> None:
    uow.mandates.save(1, Mandate(1, "Malerbetrieb 1", "de02 1203", "ZK-M-1", date(2026, 1, 5)))

    with pytest.raises(Conflict, match="direct debits do not validate"):
        run_settlement(RunSettlement(MARCH), uow, FILES)

    assert uow.accounts.payments == []


def test_collections_leave_out_what_a_pending_run_collects_already() -> None:
    entries = {1: [Entry(1, TODAY, EntryKind.INVOICE, "ZK-1", Decimal("226.10"))]}
    pending = Taken(pending={1: Decimal("200.00")}, mandates=frozenset({"ZK-M-1"}))

    [rest] = collections(MARCH, [mandate(1)], entries, pending)

    assert (rest.amount, rest.first) == (Decimal("26.10"), False)
    all_pending = Taken(pending={1: Decimal("226.10")})
    assert collections(MARCH, [mandate(1)], entries, all_pending) == []


def balances(uow: FakeUnitOfWork) -> dict[int, Decimal]:
    found = uow.accounts.entries({1, 2, 3, 4})
    return {m: sum((e.signed for e in found[m]), Decimal("0.00")) for m in found}


def test_a_run_books_nothing_until_the_office_submits_it(uow: FakeUnitOfWork) -> None:
    run = run_settlement(RunSettlement(MARCH), uow, FILES)

    assert uow.accounts.payments == []
    assert balances(uow) == GROSS

    submitted = submit_settlement(SubmitSettlement(run.id, date(2026, 3, 17)), uow)

    assert submitted.state is RunState.SUBMITTED
    assert [(p.member_id, p.amount, p.booked_on) for p in uow.accounts.payments] == [
        (m, GROSS[m], date(2026, 3, 18)) for m in (1, 2, 3)
    ]
    assert uow.accounts.payments[0].reference == f"SEPA {run.id} ZK-M-1"
    assert balances(uow) == {1: 0, 2: 0, 3: 0, 4: GROSS[4]}
    assert uow.settlements.states[run.id] == (RunState.SUBMITTED, date(2026, 3, 17))


def test_submitting_again_books_nothing_again(uow: FakeUnitOfWork) -> None:
    run = run_settlement(RunSettlement(MARCH), uow, FILES)
    submit_settlement(SubmitSettlement(run.id, TODAY), uow)

    again = submit_settlement(SubmitSettlement(run.id, date(2026, 3, 20)), uow)

    assert again.state is RunState.SUBMITTED
    assert len(uow.accounts.payments) == 3
    assert uow.settlements.states[run.id] == (RunState.SUBMITTED, TODAY)


def test_a_discarded_run_frees_its_collections_and_payments_for_a_later_run(
    uow: FakeUnitOfWork,
) -> None:
    uow.supplier_invoices.rows.append(supplier_invoice())
    first = run_settlement(RunSettlement(MARCH), uow, FILES)

    cancelled = cancel_settlement(CancelSettlement(first.id, TODAY), uow)
    later = run_settlement(RunSettlement(MARCH), uow, FILES)

    assert cancelled.state is RunState.CANCELLED and uow.accounts.payments == []
    assert [(x.mandate.member_id, x.amount, x.first) for x in later.collections] == [
        (m, GROSS[m], True) for m in (1, 2, 3)
    ]
    assert [t.invoice.supplier_invoice_id for t in later.transfers] == [1]
    assert cancel_settlement(CancelSettlement(first.id, TODAY), uow).state is RunState.CANCELLED


def test_a_submitted_run_cannot_be_discarded_nor_a_discarded_one_submitted(
    uow: FakeUnitOfWork,
) -> None:
    submitted = run_settlement(RunSettlement(MARCH), uow, FILES)
    submit_settlement(SubmitSettlement(submitted.id, TODAY), uow)
    discarded = run_settlement(RunSettlement(MARCH), uow, FILES)
    cancel_settlement(CancelSettlement(discarded.id, TODAY), uow)

    with pytest.raises(Conflict, match="cannot be discarded"):
        cancel_settlement(CancelSettlement(submitted.id, TODAY), uow)
    with pytest.raises(Conflict, match="cannot be submitted"):
        submit_settlement(SubmitSettlement(discarded.id, TODAY), uow)
    with pytest.raises(NotFound):
        submit_settlement(SubmitSettlement(99, TODAY), uow)
    assert len(uow.accounts.payments) == 3


def test_a_run_after_a_submitted_one_collects_only_what_is_new(uow: FakeUnitOfWork) -> None:
    first = run_settlement(RunSettlement(MARCH), uow, FILES)
    submit_settlement(SubmitSettlement(first.id, TODAY), uow)
    uow.mandates.save(4, mandate(4))

    second = run_settlement(RunSettlement(MARCH), uow, FILES)

    assert [(x.mandate.member_id, x.amount, x.first) for x in second.collections] == [
        (4, GROSS[4], True)
    ]


def test_a_run_whose_collection_day_has_come_cannot_be_submitted(uow: FakeUnitOfWork) -> None:
    run = run_settlement(RunSettlement(MARCH), uow, FILES)  # collects on 18 March

    with pytest.raises(Conflict) as refused:
        submit_settlement(SubmitSettlement(run.id, date(2026, 3, 18)), uow)

    assert "too late" in str(refused.value)
    assert uow.accounts.payments == []
    assert uow.settlements.states.get(run.id, (RunState.PENDING,))[0] is RunState.PENDING
    discarded = cancel_settlement(CancelSettlement(run.id, date(2026, 3, 18)), uow)
    assert discarded.state is RunState.CANCELLED
