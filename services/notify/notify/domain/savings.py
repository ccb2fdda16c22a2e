"""A member's savings, line by line and period by period, in exact euros.

Pooling announces per member and window what buying alone would have cost
(the baseline, rule 7) and what the pool cost; it does not split the baseline
by product, because a member's own cheapest assignment and shipping belong to
the window as a whole. A report shows each line's share of it: the baseline
split over the member's lines in proportion to what each line cost in the pool,
in cents by largest remainder, so the lines add up to the window exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    """One need of a member in a placed order, as the pool priced it."""

    sku: str
    quantity: Decimal
    unit_price: Decimal
    paid: Decimal
    supplier_id: int = 0
    order_id: int = 0


@dataclass(frozen=True)
class ReportLine:
    sku: str
    quantity: Decimal
    unit_price: Decimal
    paid: Decimal
    alone: Decimal
    saved: Decimal
    supplier_id: int


@dataclass(frozen=True)
class Totals:
    baseline: Decimal = ZERO
    paid: Decimal = ZERO
    saved: Decimal = ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.baseline + other.baseline, self.paid + other.paid, self.saved + other.saved
        )


def apportion(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split in cents in proportion to ``weights`` by largest remainder (ties to
    the earlier); equal parts when every weight is zero. The parts add up to ``amount``."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [Decimal(1)] * len(weights)
    total_weight = sum(weights)
    cents = int((amount / CENT).to_integral_value())
    sign = -1 if cents < 0 else 1
    exact = [abs(cents) * w / total_weight for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    left = abs(cents) - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Decimal(sign * c) * CENT for c in floors]


def report_lines(lines: Sequence[Line], baseline: Decimal) -> list[ReportLine]:
    """Each line with its share of what buying alone would have cost, and what it saved."""
    shares = apportion(baseline, [line.paid for line in lines])
    return [
        ReportLine(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            paid=line.paid,
            alone=share,
            saved=share - line.paid,
            supplier_id=line.supplier_id,
        )
        for line, share in zip(lines, shares, strict=True)
    ]


@dataclass(frozen=True)
class Statement:
    """A member's savings over a month or a year, set against the membership fee."""

    year: int
    month: int | None
    totals: Totals
    windows: int
    fee: Decimal

    @property
    def net(self) -> Decimal:
        """What the membership brought in after paying for it."""
        return self.totals.saved - self.fee

    @property
    def covers_fee(self) -> bool:
        return self.net >= 0


def fee_for(yearly_fee: Decimal, month: int | None) -> Decimal:
    """The year's fee, or a month's twelfth of it (to the cent, half up)."""
    if month is None:
        return yearly_fee
    return (yearly_fee / 12).quantize(CENT, rounding=ROUND_HALF_UP)
