"""Rule 13's moment: a member's invoice for a window is due once every order of the window
that holds the member's needs is received, declined or rejected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class OrderStatus(StrEnum):
    PLACED = "placed"
    CONFIRMED = "confirmed"
    RECEIVED = "received"
    REJECTED = "rejected"

    @property
    def open(self) -> bool:
        """Still waiting for its goods (or the supplier's answer)."""
        return self in (OrderStatus.PLACED, OrderStatus.CONFIRMED)


@dataclass(frozen=True)
class OrderStanding:
    """An order of the window and the members whose needs it holds now: a declined line's
    needs and a rejected order's went back to the pool, so it holds them no longer."""

    order_id: int
    status: OrderStatus
    members: frozenset[int]


def members_due(
    orders: Iterable[OrderStanding], served_whole: Iterable[int] = frozenset()
) -> set[int]:
    """Members with needs in a received order of the window, or served whole from the
    depot at its close (rule 11), and none in an open order."""
    orders = list(orders)
    waiting = {m for order in orders if order.status.open for m in order.members}
    received = {m for o in orders if o.status is OrderStatus.RECEIVED for m in o.members}
    return (received | set(served_whole)) - waiting
