"""TARGET2 business days for the SEPA dates: the collection day and the day a supplier is
paid with Skonto skip weekends and the TARGET closing days (1 January, Good Friday, Easter
Monday, 1 May, 25 and 26 December); a Skonto due on a closing day is paid before it,
never after. Checked against the ECB's published days and, for any day, against a
brute-force calendar with Easter found another way (Gauss, in Lichtenberg's form)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.domain.business_days import (
    business_days_after,
    closing_days,
    easter_sunday,
    is_business_day,
    on_or_after,
    on_or_before,
)
from billing.domain.settlement import (
    PayableSupplierInvoice,
    PaymentTerms,
    collection_day,
    skonto_date,
    transfer_for,
)

DAYS = st.dates(min_value=date(2002, 1, 1), max_value=date(2199, 12, 1))


def gauss_easter(year: int) -> date:
    k = year // 100
    m = 15 + (3 * k + 3) // 4 - (8 * k + 13) // 25
    s = 2 - (3 * k + 3) // 4
    a = year % 19
    d = (19 * a + m) % 30
    r = (d + a // 11) // 29
    full_moon = 21 + d - r
    first_sunday = 7 - (year + year // 4 + s) % 7
    return date(year, 3, 1) + timedelta(days=full_moon + 7 - (full_moon - first_sunday) % 7 - 1)


def open_brute(day: date) -> bool:
    easter = gauss_easter(day.year)
    shut = {(1, 1), (5, 1), (12, 25), (12, 26)}
    moving = {easter - timedelta(days=2), easter + timedelta(days=1)}
    return day.weekday() < 5 and (day.month, day.day) not in shut and day not in moving


def test_the_closing_days_are_the_ecbs() -> None:
    assert sorted(closing_days(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
    assert {date(2027, 3, 26), date(2027, 3, 29)} < closing_days(2027)
    assert {date(2025, 4, 18), date(2025, 4, 21)} < closing_days(2025)


def test_easter_falls_on_its_known_sundays() -> None:
    known = [date(2000, 4, 23), date(2008, 3, 23), date(2011, 4, 24), date(2038, 4, 25)]
    known += [date(2024, 3, 31), date(2026, 4, 5), date(2285, 3, 22)]
    assert [easter_sunday(day.year) for day in known] == known


@given(st.integers(min_value=1583, max_value=9999))
def test_easter_agrees_with_gauss(year: int) -> None:
    easter = easter_sunday(year)
    assert easter == gauss_easter(year) and easter.weekday() == 6


@given(DAYS)
def test_a_business_day_is_what_the_brute_force_calendar_says(day: date) -> None:
    assert is_business_day(day) == open_brute(day)


@given(DAYS)
def test_on_or_before_is_the_last_open_day_not_after(day: date) -> None:
    found = on_or_before(day)
    assert found <= day and open_brute(found)
    assert not any(open_brute(found + timedelta(days=n)) for n in range(1, (day - found).days + 1))


@given(DAYS)
def test_on_or_after_is_the_first_open_day_not_before(day: date) -> None:
    found = on_or_after(day)
    assert found >= day and open_brute(found)
    assert not any(open_brute(day + timedelta(days=n)) for n in range((found - day).days))


@given(DAYS, st.integers(min_value=0, max_value=10))
def test_business_days_after_counts_only_open_days(day: date, count: int) -> None:
    found = business_days_after(day, count)
    between = [day + timedelta(days=n) for n in range(1, (found - day).days + 1)]
    assert sum(open_brute(d) for d in between) == count
    assert count == 0 or open_brute(found)


def test_a_collection_day_skips_weekends_and_closing_days() -> None:
    assert collection_day(date(2026, 3, 19)) == date(2026, 3, 23)  # Thursday -> Monday
    assert collection_day(date(2026, 4, 2)) == date(2026, 4, 8)  # over Easter
    assert collection_day(date(2026, 12, 23)) == date(2026, 12, 28)  # 24th open, 25th shut
    assert collection_day(date(2026, 4, 30)) == date(2026, 5, 5)  # 1 May, a Friday


def invoice(issued_on: date, skonto_days: int = 10) -> PayableSupplierInvoice:
    return PayableSupplierInvoice(
        supplier_invoice_id=1,
        supplier_id=1,
        supplier_name="Farbenwerk Ruhr GmbH",
        iban="DE02500105170137075030",
        number="FR-1",
        issued_on=issued_on,
        gross_total=Decimal("902.50"),
        terms=PaymentTerms(Decimal("2"), skonto_days, 30),
    )


def test_a_skonto_due_on_a_closing_day_is_paid_the_business_day_before() -> None:
    easter_monday = transfer_for(invoice(date(2026, 3, 27)), date(2026, 3, 30))
    assert (easter_monday.execute_on, easter_monday.skonto) == (date(2026, 4, 2), Decimal("18.05"))
    saturday = transfer_for(invoice(date(2026, 4, 22)), date(2026, 4, 22))
    assert saturday.execute_on == date(2026, 4, 30)  # Sat 2 May; Fri 1 May is shut too


def test_a_skonto_whose_last_business_day_has_passed_is_lost() -> None:
    """Due on Easter Monday, the run on the Saturday before: no business day is left."""
    late = transfer_for(invoice(date(2026, 3, 27)), date(2026, 4, 4))
    assert (late.skonto, late.amount) == (Decimal("0.00"), Decimal("902.50"))
    assert late.execute_on == date(2026, 4, 24)  # net 30 days: Sunday 26 April, paid Friday


@given(DAYS, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=40))
def test_a_supplier_is_paid_on_a_business_day_and_never_after_the_skonto_day(
    issued_on: date, skonto_days: int, run_after: int
) -> None:
    bill = invoice(issued_on, skonto_days)
    today = issued_on + timedelta(days=run_after)

    transfer = transfer_for(bill, today)

    assert open_brute(transfer.execute_on) and transfer.execute_on >= today
    window = [today + timedelta(days=n) for n in range((skonto_date(bill) - today).days + 1)]
    if any(open_brute(day) for day in window):
        assert transfer.skonto > 0 and transfer.execute_on <= skonto_date(bill)
    else:
        assert transfer.skonto == 0
