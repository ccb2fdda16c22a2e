"""A member's account (rule 15): invoices debit it, credit notes and payments credit it;
its balance on a day; and what a settlement run may still collect of a period."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.domain.accounts import Entry, EntryKind, balance, due_by, statement

INVOICE, CREDIT, PAYMENT = EntryKind.INVOICE, EntryKind.CREDIT_NOTE, EntryKind.PAYMENT


def entry(day: int, kind: EntryKind, amount: str, month: int = 3) -> Entry:
    return Entry(1, date(2026, month, day), kind, f"{kind.value}-{day}", Decimal(amount))


ACCOUNT = [
    entry(16, INVOICE, "226.10"),
    entry(20, CREDIT, "38.08"),
    entry(20, INVOICE, "188.02"),
    entry(27, PAYMENT, "100.00"),
]


def test_the_balance_on_a_day_counts_only_what_was_booked_by_then() -> None:
    assert balance(ACCOUNT, date(2026, 3, 15)) == Decimal("0.00")
    assert balance(ACCOUNT, date(2026, 3, 16)) == Decimal("226.10")
    assert balance(ACCOUNT, date(2026, 3, 20)) == Decimal("376.04")
    assert balance(ACCOUNT) == Decimal("276.04")


def test_the_statement_runs_the_balance_documents_before_payments_on_a_day() -> None:
    same_day = [entry(5, PAYMENT, "50.00"), entry(5, INVOICE, "80.00")]

    lines = statement(same_day)

    assert [(line.entry.kind, line.balance) for line in lines] == [
        (INVOICE, Decimal("80.00")),
        (PAYMENT, Decimal("30.00")),
    ]
    assert [(line.entry.debit, line.entry.credit) for line in lines] == [
        (Decimal("80.00"), Decimal("0.00")),
        (Decimal("0.00"), Decimal("50.00")),
    ]


def test_a_run_collects_what_is_open_of_everything_issued_by_the_periods_end() -> None:
    assert due_by(ACCOUNT, date(2026, 3, 31)) == Decimal("276.04")
    # by the 16th: the first invoice less the payment and the credit note of the 20th,
    # which the member is owed already when the run is made
    assert due_by(ACCOUNT, date(2026, 3, 16)) == Decimal("88.02")
    paid = [*ACCOUNT, entry(28, PAYMENT, "276.04")]
    assert due_by(paid, date(2026, 3, 31)) == Decimal("0.00")


def test_a_collection_booked_after_the_period_still_counts_as_paid() -> None:
    collected = [*ACCOUNT, entry(3, PAYMENT, "276.04", month=4)]
    assert due_by(collected, date(2026, 3, 31)) == Decimal("0.00")


def test_invoices_after_the_period_and_overpayments_are_never_collected() -> None:
    account = [entry(10, INVOICE, "70.00", month=4), entry(12, PAYMENT, "90.00")]
    assert due_by(account, date(2026, 4, 30)) == Decimal("0.00")
    assert due_by(account[:1], date(2026, 3, 31)) == Decimal("0.00")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
entries = st.lists(
    st.builds(
        Entry,
        member_id=st.just(1),
        booked_on=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
        kind=st.sampled_from(list(EntryKind)),
        reference=st.text("AZ09-", min_size=1, max_size=8),
        amount=amounts,
    ),
    max_size=30,
)


@given(entries, st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_the_balance_is_invoices_less_credit_notes_less_payments(
    account: list[Entry], on: date
) -> None:
    def total(kind: EntryKind) -> Decimal:
        return sum((e.amount for e in account if e.kind is kind and e.booked_on <= on), Decimal(0))

    expected = total(INVOICE) - total(CREDIT) - total(PAYMENT)

    assert balance(account, on) == expected
    lines = statement(account, on)
    assert (lines[-1].balance if lines else Decimal(0)) == expected


@given(entries, st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(0, 60))
def test_what_is_collected_never_exceeds_the_balance_and_no_later_run_collects_it_again(
    account: list[Entry], end: date, later: int
) -> None:
    due = due_by(account, end)

    assert Decimal(0) <= due <= max(Decimal(0), balance(account, end))
    collected = [*account, Entry(1, end + timedelta(days=2), PAYMENT, "SEPA", due)]
    overlapping_end = min(end, date(2026, 12, 31) - timedelta(days=later))
    assert due_by(collected, overlapping_end) == Decimal(0)


def test_a_credit_note_issued_after_a_period_is_not_collected_again_by_an_earlier_period() -> None:
    account = [
        Entry(1, date(2026, 11, 2), INVOICE, "R-1", Decimal("100.00")),
        Entry(1, date(2026, 11, 30), CREDIT, "G-1", Decimal("30.00")),
    ]
    assert due_by(account, date(2026, 12, 1)) == Decimal("70.00")
    collected = [*account, Entry(1, date(2026, 12, 3), PAYMENT, "SEPA", Decimal("70.00"))]

    assert due_by(collected, date(2026, 11, 29)) == Decimal(0)  # not the 30.00 credited
