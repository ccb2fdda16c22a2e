"""The catalog's domain: trades, need states and the rules of an offer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from shared.errors import Conflict


class Trade(StrEnum):
    PAINTER = "painter"
    MASON = "mason"
    CARPENTER = "carpenter"
    ELECTRICIAN = "electrician"
    LOCKSMITH = "locksmith"
    ROOFER = "roofer"
    TILER = "tiler"
    PLUMBER = "plumber"


class NeedStatus(StrEnum):
    OPEN = "open"
    ORDERED = "ordered"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class NeedNotOpen(Conflict):
    """Only an open need can be cancelled."""

    def __init__(self, status: str) -> None:
        super().__init__("status", f"The need is {status} and can no longer be cancelled.")


def tier_problems(tiers: Sequence[tuple[Decimal, Decimal]]) -> list[str]:
    """What is wrong with a tier list (all-units tiers from 0, strictly increasing)."""
    if not tiers:
        return ["At least one tier is required."]
    problems = []
    if tiers[0][0] != 0:
        problems.append("The first tier must start at min_quantity 0.")
    starts = [start for start, _price in tiers]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        problems.append("Tiers must be listed by strictly increasing min_quantity.")
    return problems
