"""Bar charts drawn on the server as SVG: no script, nothing from elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

WIDTH, HEIGHT, FOOT = 480, 180, 18


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


def bars(
    items: Sequence[tuple[str, Any]],
    width: int = WIDTH,
    height: int = HEIGHT,
    *,
    values_above: bool = False,
) -> list[Bar]:
    """One bar per ``(label, amount)``, scaled to the largest; negative amounts show as
    none. With ``values_above`` the tallest bar leaves room for its amount above it."""
    if not items:
        return []
    values = [_amount(value) for _, value in items]
    top = max(max(values), Decimal(0)) or Decimal(1)
    slot = width / len(items)
    room = FOOT + (28 if values_above else 8)
    drawn = []
    for n, ((label, _), value) in enumerate(zip(items, values, strict=True)):
        bar_height = round(float(max(value, Decimal(0)) / top) * (height - room), 1)
        drawn.append(
            Bar(
                x=round(n * slot + slot * 0.15, 1),
                y=round(height - FOOT - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=bar_height,
                label=label,
                value=value,
            )
        )
    return drawn


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
