"""Rule 13's figures: one line per received need, the fee share, VAT per rate, numbers,
and the credit note that takes an invoice back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.domain.invoicing import charges_for, credit_note_for, invoice_number, same_charges
from billing.domain.model import Invoice, Kind, LineKind, Product, Reference
from tests.unit.billing.factories import PRODUCTS, RECEIVED, SELLER, buyer, need

EXPECTED = {
    1: ("190.00", "36.10", "226.10"),
    2: ("126.00", "23.94", "149.94"),
    3: ("350.00", "66.50", "416.50"),
    4: ("58.80", "11.17", "69.97"),
}


@pytest.mark.parametrize("member_id", sorted(EXPECTED))
def test_the_worked_example_invoices_to_the_cent(member_id: int) -> None:
    charges = charges_for(RECEIVED[member_id], PRODUCTS)

    assert charges is not None
    figures = (charges.net_total, charges.vat_total, charges.gross_total)
    assert figures == tuple(Decimal(f) for f in EXPECTED[member_id])
    assert [(v.rate, v.taxable) for v in charges.vat_breakdown] == [
        (Decimal("19"), charges.net_total)
    ]
    assert [line.kind for line in charges.lines] == [LineKind.GOODS] * len(RECEIVED[member_id])


def test_mixed_rates_and_a_fee_share_are_taxed_per_rate() -> None:
    products = PRODUCTS | {"SAND": Product("SAND", "Quarzsand 25 kg", "Sack", Decimal("7"))}
    needs = [
        need(1, "DISP-10L", "3", "38.00", share="4.17"),
        need(2, "SAND", "11", "3.33", share="1.11"),
        need(3, "SAND", "1", "0.05"),
    ]

    charges = charges_for(needs, products)

    assert charges is not None
    fee = charges.lines[-1]
    assert (fee.kind, fee.net_amount, fee.vat_rate) == (
        LineKind.FEE_SHARE,
        Decimal("5.28"),
        Decimal("19"),
    )
    assert [(v.rate, v.taxable, v.vat) for v in charges.vat_breakdown] == [
        (Decimal("19"), Decimal("119.28"), Decimal("22.66")),  # 114.00 + 5.28
        (Decimal("7"), Decimal("36.68"), Decimal("2.57")),  # 36.63 + 0.05 -> 2.5676
    ]
    assert charges.vat_total == Decimal("25.23")
    assert charges.gross_total == charges.net_total + charges.vat_total == Decimal("181.19")


def test_a_product_billing_never_heard_of_is_at_19_percent() -> None:
    charges = charges_for([need(1, "NEW-1", "2", "10.00")], {})

    assert charges is not None
    assert charges.lines[0].vat_rate == Decimal("19")
    assert charges.lines[0].description == "NEW-1"


def test_a_need_cut_to_nothing_is_no_line_and_nothing_at_all_is_no_invoice() -> None:
    assert charges_for([need(1, "DISP-10L", "0", "38.00")], PRODUCTS) is None
    charges = charges_for([need(1, "DISP-10L", "0", "38.00"), *RECEIVED[2]], PRODUCTS)
    assert charges is not None and [line.need_id for line in charges.lines] == [2]


def test_numbers_have_the_year_and_six_digits() -> None:
    assert invoice_number("ZK", 2026, 7) == "ZK-2026-000007"
    with pytest.raises(ValueError):
        invoice_number("ZK", 2026, 1_000_000)


def test_a_credit_note_takes_the_whole_invoice_back_and_names_it() -> None:
    charges = charges_for(RECEIVED[3], PRODUCTS)
    assert charges is not None
    issued = Invoice(
        Kind.INVOICE, "ZK-2026-000003", date(2026, 3, 16), 3, 1, SELLER, buyer(3), charges, id=9
    )

    note = credit_note_for(issued, "ZK-2026-000005", date(2026, 3, 20))

    assert note.kind.type_code == "381"
    assert note.corrects == Reference(9, "ZK-2026-000003", date(2026, 3, 16))
    assert note.charges == issued.charges
    assert same_charges(note.charges, issued.charges)
    changed = charges_for([RECEIVED[3][0]], PRODUCTS)
    assert changed is not None and not same_charges(changed, charges)
