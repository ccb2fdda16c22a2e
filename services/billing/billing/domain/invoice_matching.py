"""Rule 14: a supplier's invoice against the order(s) it bills: each billed line's quantity
against what was received, its unit price against the confirmed one, its VAT rate against
the product's, the fee against the order's, and the totals against those figures. What
the payable invoices of the same orders already bill is not expected again (several
invoices for one order); one invoice may bill several orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.model import STANDARD_RATE, ZERO, cents
from billing.domain.supplier_invoices import (
    Difference,
    Match,
    MatchStatus,
    SupplierInvoice,
    SupplierInvoiceLine,
)


@dataclass(frozen=True)
class ExpectedLine:
    """An order line as confirmed and received: what the supplier may bill for it."""

    sku: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = STANDARD_RATE

    @property
    def net_amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class ExpectedOrder:
    order_id: int
    supplier_id: int
    status: str  # placed | confirmed | received | rejected
    lines: tuple[ExpectedLine, ...]
    fee: Decimal


@dataclass
class _Billed:
    """One article over several lines (or orders): quantity, amount, prices and rates."""

    quantity: Decimal = Decimal(0)
    net_amount: Decimal = ZERO
    prices: frozenset[Decimal] = frozenset()
    rates: frozenset[Decimal] = frozenset()

    def add(self, quantity: Decimal, amount: Decimal, price: Decimal, rate: Decimal) -> None:
        self.quantity += quantity
        self.net_amount += amount
        self.prices |= {price}
        self.rates |= {rate}


def _by_sku(lines: Iterable[SupplierInvoiceLine | ExpectedLine]) -> dict[str, _Billed]:
    found: dict[str, _Billed] = defaultdict(_Billed)
    for line in lines:
        found[line.sku or "?"].add(line.quantity, line.net_amount, line.unit_price, line.vat_rate)
    return dict(found)


def match_invoice(
    invoice: SupplierInvoice,
    orders: list[ExpectedOrder],
    billed_elsewhere: list[SupplierInvoice] = (),  # type: ignore[assignment]
) -> Match:
    """``matched`` when every figure agrees; ``differences`` with each one that does not;
    ``unmatched`` when no order is known or one has not arrived yet (nothing to compare)."""
    order_ids = tuple(sorted(o.order_id for o in orders))
    if not orders:
        named = ", ".join(invoice.order_references) or None
        return Match(MatchStatus.UNMATCHED, (Difference("order", None, named),))
    waiting = [
        Difference(f"order:{o.order_id}:status", "received", o.status)
        for o in orders
        if o.status != "received"
    ]
    if waiting:
        return Match(MatchStatus.UNMATCHED, tuple(waiting), order_ids)
    differences = _differences(invoice, orders, billed_elsewhere)
    status = MatchStatus.DIFFERENCES if differences else MatchStatus.MATCHED
    return Match(status, tuple(differences), order_ids)


def _differences(
    invoice: SupplierInvoice, orders: list[ExpectedOrder], elsewhere: list[SupplierInvoice]
) -> list[Difference]:
    expected = _by_sku(line for order in orders for line in order.lines)
    before = _by_sku(line for other in elsewhere for line in other.lines)
    billed = _by_sku(invoice.lines)
    differences: list[Difference] = []
    taxable: dict[Decimal, Decimal] = defaultdict(Decimal)
    for sku, found in sorted(billed.items()):
        wanted = expected.get(sku)
        if wanted is None:
            differences.append(Difference(f"line:{sku}", None, _count(found.quantity)))
            continue
        due = _still_due(wanted, before.get(sku))
        differences += _line_differences(sku, due, found)
        taxable[min(wanted.rates)] += due.net_amount  # one product, one rate
    fee = sum((o.fee for o in orders), ZERO) - sum((o.fee for o in elsewhere), ZERO)
    if fee != invoice.fee:
        differences.append(Difference("fee", str(fee), str(invoice.fee)))
    taxable[STANDARD_RATE] += fee
    return differences + _total_differences(invoice, taxable)


def _still_due(wanted: _Billed, before: _Billed | None) -> _Billed:
    """What of an article is left to bill after other invoices of the same orders."""
    if before is None:
        return wanted
    return _Billed(
        wanted.quantity - before.quantity,
        wanted.net_amount - before.net_amount,
        wanted.prices,
        wanted.rates,
    )


def _line_differences(sku: str, due: _Billed, found: _Billed) -> list[Difference]:
    out = []
    if found.quantity != due.quantity:
        out.append(Difference(f"line:{sku}:quantity", _count(due.quantity), _count(found.quantity)))
    for price in sorted(found.prices - due.prices):
        out.append(Difference(f"line:{sku}:unit_price", _one(due.prices), str(price)))
    for rate in sorted(found.rates - due.rates):
        out.append(Difference(f"line:{sku}:vat_rate", _one(due.rates), str(rate)))
    if not out and found.net_amount != due.net_amount:
        out.append(Difference(f"line:{sku}:net_amount", str(due.net_amount), str(found.net_amount)))
    return out


def _count(quantity: Decimal) -> str:
    """A quantity as people write it: 12, 2.5 (no trailing zeros, no exponent)."""
    return format(quantity.normalize(), "f")


def _one(values: frozenset[Decimal]) -> str:
    return " / ".join(str(v) for v in sorted(values))


def _total_differences(
    invoice: SupplierInvoice, taxable: dict[Decimal, Decimal]
) -> list[Difference]:
    """Net, VAT (per rate on the expected amounts, rule 13's rounding) and gross."""
    net = sum(taxable.values(), ZERO)
    vat = sum((cents(base * rate / 100) for rate, base in taxable.items()), ZERO)
    out = []
    for name, wanted, found in (
        ("net_total", net, invoice.net_total),
        ("vat_total", vat, invoice.vat_total),
        ("gross_total", net + vat, invoice.gross_total),
    ):
        if wanted != found:
            out.append(Difference(name, str(wanted), str(found)))
    return out
