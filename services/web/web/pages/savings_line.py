"""Savings over time as a server-rendered SVG line: what the pool has saved a member so far."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 96, 48, 32, 56  # room for the axis labels
MAX_X_LABELS = 5


@dataclass(frozen=True)
class Point:
    window_id: int
    closed_on: str | None  # ISO date of the window's first order, where known
    saved: Decimal  # in this window
    total: Decimal  # saved so far
    x: float
    y: float
    labelled: bool  # whether its axis label and value are written out


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class CumulativeChart:
    points: list[Point]
    ticks: list[Tick]
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def total(self) -> Decimal:
        return self.points[-1].total

    @property
    def best(self) -> Point:
        return max(self.points, key=lambda p: (p.saved, -p.window_id))


def cumulative_savings(
    windows: Sequence[Mapping[str, Any]], closed_on: Mapping[int, str] | None = None
) -> CumulativeChart | None:
    """The running total of saved euros, one point per closed window in window order."""
    if not windows:
        return None
    closed_on = closed_on or {}
    ordered = sorted(windows, key=lambda w: w["window_id"])
    totals, running = [], Decimal("0.00")
    for window in ordered:
        running += Decimal(str(window["saved"]))
        totals.append(running)
    top, bottom = _range(totals)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(ordered) - 1, 1)
    every = -(-len(ordered) // MAX_X_LABELS)  # label at most MAX_X_LABELS points

    def y_of(value: Decimal) -> float:
        return round(TOP + float((top - value) / (top - bottom)) * plot_height, 1)

    points = [
        Point(
            window_id=window["window_id"],
            closed_on=closed_on.get(window["window_id"]),
            saved=Decimal(str(window["saved"])),
            total=total,
            x=round(LEFT + (i * step if len(ordered) > 1 else plot_width / 2), 1),
            y=y_of(total),
            labelled=(len(ordered) - 1 - i) % every == 0,
        )
        for i, (window, total) in enumerate(zip(ordered, totals, strict=True))
    ]
    ticks = [Tick(value, y_of(value)) for value in _tick_values(bottom, top)]
    return CumulativeChart(points, ticks, y_of(Decimal(0)))


def _range(totals: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The value axis: from zero (or the lowest total) to a round number above the highest."""
    high, low = max(max(totals), Decimal(0)), min(min(totals), Decimal(0))
    top = _round_up(high) if high > 0 else Decimal(0)
    bottom = -_round_up(-low) if low < 0 else Decimal(0)
    if top == bottom:
        top = Decimal(10)
    return top, bottom


def _round_up(value: Decimal) -> Decimal:
    """The next of 1, 2, 2.5, 5 times 10^n at or above ``value``."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _tick_values(bottom: Decimal, top: Decimal) -> list[Decimal]:
    values = {bottom, top, Decimal(0)}
    if bottom == 0:
        values.add(top / 2)
    return sorted(values)
