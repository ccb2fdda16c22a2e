"""Random windows through pooling's receipt (rule 10) and billing's invoices (rule 13):
what the members are invoiced net is what arrived (the orders' received values and fees)
less what the depot took in at book value, to the cent; each invoice's VAT per rate is
round_half_up(taxable x rate / 100) exactly; and every document passes EN 16931's rules."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.adapters.documents import documents
from billing.domain.model import LineKind, Product, ReceivedNeed
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import Documents
from pooling.domain.depot import receipt_movements
from pooling.domain.model import Allocation, OrderLine, SupplierOrder
from pooling.domain.pricing import cost_of
from pooling.domain.receipt import ReceivedOrder, receive_order
from tests.support.einvoice import broken_rules
from tests.unit.billing.factories import SELLER, buyer
from tests.unit.billing.fakes import FakeUnitOfWork

DAY = date(2026, 5, 4)
RATES = (Decimal("19"), Decimal("7"), Decimal("0"))
quantities = st.one_of(
    st.integers(1, 40).map(Decimal), st.integers(1, 40_000).map(lambda n: Decimal(n).scaleb(-3))
)
prices = st.integers(1, 2_000_000).map(lambda n: Decimal(n).scaleb(-4))


@st.composite
def windows(
    draw: st.DrawFn,
) -> tuple[list[tuple[SupplierOrder, dict[str, Decimal]]], dict[str, Decimal]]:
    """1-3 confirmed orders of a window (1-3 lines each, needs of members 1-6, a fee),
    what arrives of each line (never over the ordered quantity) and each product's rate."""
    orders, rates, need_id = [], {}, 0
    for order_id in range(1, draw(st.integers(1, 3)) + 1):
        lines, received = [], {}
        for number in range(draw(st.integers(1, 3))):
            sku, price = f"SKU-{order_id}-{number}", draw(prices)
            rates[sku] = draw(st.sampled_from(RATES))
            allocations = []
            for quantity in draw(st.lists(quantities, min_size=1, max_size=4)):
                need_id += 1
                goods = cost_of(quantity, price)
                member = draw(st.integers(1, 6))
                allocations.append(Allocation(need_id, member, quantity, goods, goods * 0, goods))
            demand = sum((a.quantity for a in allocations), Decimal(0))
            ordered = demand + draw(st.sampled_from([0, 1, 5])) * Decimal("1.5")
            line_total = cost_of(ordered, price)
            lines.append(
                OrderLine(sku, 1, ordered, price, line_total, Decimal(0), tuple(allocations))
            )
            fine = draw(st.booleans())
            r = draw(st.integers(0, int(ordered * (1000 if fine else 1))))
            received[sku] = Decimal(r).scaleb(-3) if fine else Decimal(r)
        fee = Decimal(draw(st.integers(0, 5000))).scaleb(-2)
        total = sum((line.line_total for line in lines), fee)
        orders.append((SupplierOrder(order_id, tuple(lines), fee, total), received))
    return orders, rates


def invoiced(case, make_documents) -> tuple[FakeUnitOfWork, list[ReceivedOrder]]:  # type: ignore[no-untyped-def]
    """The window through billing's handlers: members, products, orders, receipts."""
    orders, rates = case
    billing = handlers.Billing(SELLER, "ZK", make_documents, lambda: DAY)
    uow = FakeUnitOfWork()
    for member_id in range(1, 7):
        handlers.record_member(
            c.RecordMember(buyer(member_id, vat_id=None if member_id % 2 else "DE136695976")),
            uow,
            billing,
        )
    for sku, rate in rates.items():
        handlers.record_product(c.RecordProduct(Product(sku, f"Ware {sku}", "kg", rate)), uow)
    got = []
    for order, _received in orders:
        needs = tuple(
            c.PlacedNeed(a.need_id, a.member_id, line.sku, a.quantity, line.unit_price)
            for line in order.lines
            for a in line.allocations
        )
        handlers.record_order(c.RecordOrder(order.supplier_id, 1, order.supplier_id, needs), uow)
    for order, received in orders:
        arrived = receive_order(order, received)
        got.append(arrived)
        needs = tuple(
            (
                a.member_id,
                ReceivedNeed(
                    a.need_id,
                    order.supplier_id,
                    line.sku,
                    a.received,
                    line.unit_price,
                    a.goods,
                    a.shipping_share,
                ),
            )
            for line in arrived.lines
            for a in line.allocations
        )
        handlers.record_receipt(
            c.RecordReceipt(order.supplier_id, 1, 0, DAY, needs, ()), uow, billing
        )
    return uow, got


def no_documents(invoice) -> Documents:  # type: ignore[no-untyped-def]
    return Documents(b"", b"")


@settings(max_examples=300, deadline=None)
@given(windows())
def test_members_net_is_what_arrived_less_the_depot_and_vat_is_exact_per_rate(case) -> None:  # type: ignore[no-untyped-def]
    uow, arrived = invoiced(case, no_documents)

    depot = sum(
        (m.value for order in arrived for m in receipt_movements(order.supplier_id, DAY, order)),
        Decimal(0),
    )
    received_values = sum((order.total for order in arrived), Decimal(0))
    invoices = uow.invoices.rows
    assert sum((i.charges.net_total for i in invoices), Decimal(0)) == received_values - depot
    assert len({i.member_id for i in invoices}) == len(invoices)  # one per member and window
    assert [i.number for i in invoices] == [f"ZK-2026-{n:06d}" for n in range(1, len(invoices) + 1)]
    for invoice in invoices:
        taxable: dict[Decimal, Fraction] = {}
        for line in invoice.lines:
            taxable[line.vat_rate] = taxable.get(line.vat_rate, Fraction(0)) + Fraction(
                line.net_amount
            )
        expected = {
            rate: (
                Decimal(base.numerator) / base.denominator,
                cents_of(base * Fraction(rate) / 100),
            )
            for rate, base in taxable.items()
        }
        assert {v.rate: (v.taxable, v.vat) for v in invoice.charges.vat_breakdown} == expected
        assert invoice.charges.gross_total == invoice.charges.net_total + invoice.charges.vat_total
        assert all(line.quantity > 0 for line in invoice.lines if line.kind is LineKind.GOODS)


def cents_of(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@settings(max_examples=15, deadline=None)
@given(windows())
def test_every_invoice_of_a_random_window_passes_the_en16931_rules(case) -> None:  # type: ignore[no-untyped-def]
    made: list[bytes] = []

    def keep(invoice):  # type: ignore[no-untyped-def]
        both = documents(invoice)
        made.append(both.xml)
        return both

    invoiced(case, keep)

    for xml in made:
        assert broken_rules(xml) == []
