"""Rule 13: a member's charges for a window, VAT per rate, numbers, and the credit note
that corrects an issued invoice.

One line per received need (its quantity, unit, net unit price and net amount = its
goods), one line for the fee share when it is not zero (at the standard rate, rule 12);
per rate: taxable = the sum of the net line amounts at that rate, VAT =
round_half_up(taxable x rate / 100, cents); gross = net + VAT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from billing.domain.model import (
    STANDARD_RATE,
    ZERO,
    Charges,
    Invoice,
    InvoiceLine,
    Kind,
    LineKind,
    Product,
    ReceivedNeed,
    Reference,
    VatAmount,
    cents,
)

FEE_SHARE = "fee_share"  # the fee share line's description; documents name it per language


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    """``<prefix>-<year>-<6 digits>``."""
    if not 0 < sequence <= 999_999:
        raise ValueError(f"invoice sequence {sequence} out of range for {year}")
    return f"{prefix}-{year}-{sequence:06d}"


def product_of(sku: str, products: Mapping[str, Product]) -> Product:
    """The product billing knows, or one it has never heard of: at 19 % (rule 12)."""
    return products.get(sku) or Product(sku, sku, "", STANDARD_RATE)


def charges_for(needs: Iterable[ReceivedNeed], products: Mapping[str, Product]) -> Charges | None:
    """A member's charges for what it received in a window; None when there is nothing
    to charge (every need declined, rejected or cut to nothing, and no fee share)."""
    received = sorted((n for n in needs if n.received > 0), key=lambda n: n.need_id)
    lines = []
    for position, need in enumerate(received, start=1):
        product = product_of(need.sku, products)
        lines.append(
            InvoiceLine(
                position=position,
                kind=LineKind.GOODS,
                description=product.name,
                quantity=need.received,
                unit=product.unit,
                unit_price=need.unit_price,
                net_amount=need.goods,
                vat_rate=product.vat_rate,
                sku=need.sku,
                need_id=need.need_id,
            )
        )
    fee_share = sum((n.shipping_share for n in needs), ZERO)
    if fee_share:
        lines.append(
            InvoiceLine(
                position=len(lines) + 1,
                kind=LineKind.FEE_SHARE,
                description=FEE_SHARE,
                quantity=Decimal(1),
                unit="",
                unit_price=fee_share,
                net_amount=fee_share,
                vat_rate=STANDARD_RATE,
            )
        )
    return charges_of(lines) if lines else None


def charges_of(lines: Iterable[InvoiceLine]) -> Charges:
    """The totals of ``lines``: VAT per rate (highest rate first), net, VAT and gross."""
    lines = tuple(lines)
    breakdown = vat_breakdown(lines)
    net = sum((line.net_amount for line in lines), ZERO)
    vat = sum((amount.vat for amount in breakdown), ZERO)
    return Charges(lines, breakdown, net, vat, net + vat)


def vat_breakdown(lines: Iterable[InvoiceLine]) -> tuple[VatAmount, ...]:
    taxable: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = line.vat_rate.normalize()
        taxable[rate] = taxable.get(rate, ZERO) + line.net_amount
    return tuple(
        VatAmount(rate, base, cents(base * rate / 100))
        for rate, base in sorted(taxable.items(), reverse=True)
    )


def same_charges(one: Charges, other: Charges) -> bool:
    """Whether two charges bill the same: the same lines at the same amounts."""

    def key(charges: Charges) -> list[tuple[object, ...]]:
        return [
            (ln.kind, ln.sku, ln.need_id, ln.quantity, ln.unit_price, ln.net_amount, ln.vat_rate)
            for ln in charges.lines
        ]

    return key(one) == key(other)


def credit_note_for(invoice: Invoice, number: str, issued_on: date) -> Invoice:
    """The credit note (type 381) that takes ``invoice`` back whole, referencing it."""
    if invoice.kind is not Kind.INVOICE or invoice.id is None:
        raise ValueError("only an issued invoice can be credited")
    return Invoice(
        kind=Kind.CREDIT_NOTE,
        number=number,
        issued_on=issued_on,
        member_id=invoice.member_id,
        window_id=invoice.window_id,
        seller=invoice.seller,
        buyer=invoice.buyer,
        charges=invoice.charges,
        delivered_on=invoice.delivered_on,
        corrects=Reference(invoice.id, invoice.number, invoice.issued_on),
        generation=invoice.generation,
    )
