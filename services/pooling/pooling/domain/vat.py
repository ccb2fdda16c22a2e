"""VAT on what the cooperative buys and passes on (rule 12): net amounts are summed per
rate, and each rate's VAT is rounded once, on its sum, never line by line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

STANDARD_RATE = Decimal("19")  # a product's rate unless set; shipping fees always
CENT = Decimal("0.01")


@dataclass(frozen=True)
class VatAtRate:
    """The net amounts taxed at one rate (percent) and the VAT on them."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal


def vat_breakdown(amounts: Iterable[tuple[Decimal, Decimal]]) -> list[VatAtRate]:
    """``(rate, net amount)`` pairs as one entry per rate, the highest rate first:
    VAT = round_half_up(taxable x rate / 100, cents)."""
    taxable: dict[Decimal, Decimal] = {}
    for rate, net in amounts:
        key = Decimal(rate).normalize() + 0  # 19, 19.00 and 1.9E+1 are one rate
        taxable[key] = taxable.get(key, Decimal(0)) + net
    return [
        VatAtRate(rate, net, (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP))
        for rate, net in sorted(taxable.items(), reverse=True)
    ]
