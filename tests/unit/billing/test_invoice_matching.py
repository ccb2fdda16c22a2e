"""Rule 14 on the worked example: supplier A's invoice for what arrived (12 DISP-10L at
38.00, 72 SIL-300 at 4.20, fee waived: 758.40 net) against the order as received."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.domain.invoice_matching import ExpectedLine, ExpectedOrder, match_invoice
from billing.domain.supplier_invoices import (
    Difference,
    MatchStatus,
    Party,
    SupplierInvoice,
    SupplierInvoiceLine,
)

CENT = Decimal("0.01")
ORDER = ExpectedOrder(
    order_id=1,
    supplier_id=1,
    status="received",
    lines=(
        ExpectedLine("DISP-10L", Decimal("12"), Decimal("38.00")),
        ExpectedLine("SIL-300", Decimal("72"), Decimal("4.20")),
    ),
    fee=Decimal("0.00"),
)


def invoice(
    lines: list[tuple[str, str, str]], fee: str = "0.00", rate: str = "19", **over: str
) -> SupplierInvoice:
    """An invoice of ``(sku, quantity, unit price)`` lines with its totals computed right."""
    read = tuple(
        SupplierInvoiceLine(
            Decimal(q),
            Decimal(p),
            (Decimal(q) * Decimal(p)).quantize(CENT, ROUND_HALF_UP),
            Decimal(rate),
            sku,
        )
        for sku, q, p in lines
    )
    taxable: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in read:
        taxable[line.vat_rate] += line.net_amount
    taxable[Decimal("19")] += Decimal(fee)
    net = sum(taxable.values(), Decimal("0.00"))
    vat = sum(((b * r / 100).quantize(CENT, ROUND_HALF_UP) for r, b in taxable.items()), Decimal())
    totals = {"net_total": net, "vat_total": vat, "gross_total": net + vat}
    totals |= {k: Decimal(v) for k, v in over.items()}
    return SupplierInvoice(
        number="RE-1",
        type_code="380",
        issued_on=date(2026, 3, 17),
        seller=Party("Baustoffhandel A GmbH"),
        currency="EUR",
        order_reference="1",
        lines=read,
        vat_breakdown=(),
        due_payable=totals["gross_total"],
        charge_total=Decimal(fee),
        **totals,
    )


WHOLE = [("DISP-10L", "12", "38.00"), ("SIL-300", "72", "4.20")]


def test_the_invoice_for_what_arrived_matches() -> None:
    bill = invoice(WHOLE)
    assert (bill.net_total, bill.vat_total, bill.gross_total) == (
        Decimal("758.40"),
        Decimal("144.10"),
        Decimal("902.50"),
    )
    match = match_invoice(bill, [ORDER])
    assert match.status is MatchStatus.MATCHED and match.differences == ()
    assert match.order_ids == (1,)


def test_one_wrong_price_is_exactly_that_difference_and_the_totals_it_moves() -> None:
    match = match_invoice(invoice([("DISP-10L", "12", "39.00"), WHOLE[1]]), [ORDER])
    assert match.status is MatchStatus.DIFFERENCES
    assert match.differences == (
        Difference("line:DISP-10L:unit_price", "38.00", "39.00"),
        Difference("net_total", "758.40", "770.40"),
        Difference("vat_total", "144.10", "146.38"),
        Difference("gross_total", "902.50", "916.78"),
    )


def test_the_ordered_quantity_billed_instead_of_the_received_one_is_a_difference() -> None:
    match = match_invoice(invoice([("DISP-10L", "14", "38.00"), WHOLE[1]]), [ORDER])
    assert match.differences[0] == Difference("line:DISP-10L:quantity", "12", "14")


def test_an_unordered_article_a_fee_and_a_wrong_rate_are_differences() -> None:
    bill = invoice([*WHOLE, ("GIPS-25", "1", "9.99")], fee="25.00")
    fields = [d.field for d in match_invoice(bill, [ORDER]).differences]
    assert fields[:2] == ["line:GIPS-25", "fee"]
    seven = invoice(WHOLE, rate="7")
    assert (
        Difference("line:SIL-300:vat_rate", "19", "7") in match_invoice(seven, [ORDER]).differences
    )


def test_wrong_totals_alone_are_found() -> None:
    match = match_invoice(invoice(WHOLE, vat_total="144.11", gross_total="902.51"), [ORDER])
    assert [d.field for d in match.differences] == ["vat_total", "gross_total"]


def test_no_order_or_one_not_arrived_is_unmatched() -> None:
    assert match_invoice(invoice(WHOLE), []).status is MatchStatus.UNMATCHED
    placed = ExpectedOrder(1, 1, "confirmed", ORDER.lines, ORDER.fee)
    match = match_invoice(invoice(WHOLE), [placed])
    assert match.status is MatchStatus.UNMATCHED
    assert match.differences == (Difference("order:1:status", "received", "confirmed"),)


def test_several_invoices_for_one_order() -> None:
    first = invoice([WHOLE[0]])
    assert match_invoice(first, [ORDER]).status is MatchStatus.MATCHED
    second = invoice([WHOLE[1]])
    assert match_invoice(second, [ORDER], billed_elsewhere=[first]).status is MatchStatus.MATCHED
    again = match_invoice(first, [ORDER], billed_elsewhere=[first])
    assert Difference("line:DISP-10L:quantity", "0", "12") in again.differences


def test_one_invoice_for_several_orders() -> None:
    other = ExpectedOrder(
        2, 1, "received", (ExpectedLine("DISP-10L", Decimal("3"), Decimal("38.00")),), Decimal("25")
    )
    bill = invoice([("DISP-10L", "15", "38.00"), WHOLE[1]], fee="25.00")
    match = match_invoice(bill, [ORDER, other])
    assert match.status is MatchStatus.MATCHED and match.order_ids == (1, 2)
    assert match_invoice(bill, [ORDER]).status is MatchStatus.DIFFERENCES


quantities = st.integers(1, 500).map(Decimal)
prices = st.decimals(Decimal("0.01"), Decimal("999.99"), places=2)


@given(
    lines=st.lists(st.tuples(quantities, prices), min_size=1, max_size=5),
    fee=st.sampled_from([Decimal("0.00"), Decimal("19.00"), Decimal("25.00")]),
    wrong=st.integers(0, 4),
    delta=st.sampled_from([Decimal("0.01"), Decimal("-0.01"), Decimal("1.00")]),
)
def test_an_exact_invoice_matches_and_one_changed_price_shows_on_its_line(
    lines: list[tuple[Decimal, Decimal]], fee: Decimal, wrong: int, delta: Decimal
) -> None:
    order = ExpectedOrder(
        7,
        1,
        "received",
        tuple(ExpectedLine(f"SKU-{n}", q, p) for n, (q, p) in enumerate(lines)),
        fee,
    )
    exact = [(f"SKU-{n}", str(q), str(p)) for n, (q, p) in enumerate(lines)]
    assert match_invoice(invoice(exact, str(fee)), [order]).status is MatchStatus.MATCHED
    at = wrong % len(lines)
    sku, q, p = exact[at]
    if Decimal(p) + delta <= 0:
        return
    changed = [*exact[:at], (sku, q, str(Decimal(p) + delta)), *exact[at + 1 :]]
    match = match_invoice(invoice(changed, str(fee)), [order])
    assert match.status is MatchStatus.DIFFERENCES
    line_fields = [d.field for d in match.differences if d.field.startswith("line:")]
    assert line_fields == [f"{sku}:unit_price".join(["line:", ""])]
