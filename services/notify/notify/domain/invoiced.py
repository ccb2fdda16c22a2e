"""What a member was invoiced, beside what it saved: the gross and the VAT of its invoices,
a credit note taken off (it cancels an invoice whole, rule 13)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Invoiced:
    gross: Decimal = ZERO
    vat: Decimal = ZERO

    def __add__(self, other: Invoiced) -> Invoiced:
        return Invoiced(self.gross + other.gross, self.vat + other.vat)

    @classmethod
    def of(cls, kind: str, gross: Decimal, vat: Decimal) -> Invoiced:
        """One invoice's figures; a credit note's count against the invoices."""
        sign = -1 if kind == "credit_note" else 1
        return cls(sign * gross, sign * vat)


def by_window(invoices: Iterable[tuple[int, Invoiced]]) -> dict[int, Invoiced]:
    """Each window's invoices and credit notes, summed."""
    sums: dict[int, Invoiced] = {}
    for window_id, figures in invoices:
        sums[window_id] = sums.get(window_id, Invoiced()) + figures
    return sums
