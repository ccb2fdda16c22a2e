"""An order's life after the close (rules 8-10): placed, confirmed, received; or rejected.

A supplier confirms a placed order (possibly declining single lines, rule 8) or rejects it
whole. The office books the receipt of a confirmed order once (possibly short, rule 10);
after that only a correction of the receipt is allowed, and every correction is counted.
Anything else is refused with an ``OrderStateError`` that names the order's state and the
step tried, so the API can answer that it does not fit now and say why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum

from shared.errors import Conflict


class OrderStatus(StrEnum):
    """Where an order stands; the values are the API's and the events' words."""

    PLACED = "placed"
    CONFIRMED = "confirmed"
    RECEIVED = "received"
    REJECTED = "rejected"


class OrderStep(StrEnum):
    """What someone tries to do with an order."""

    CONFIRM = "confirm"
    REJECT = "reject"
    RECEIVE = "receive"
    CORRECT_RECEIPT = "correct_receipt"


# the one status each step starts from, and the status it leads to
_TRANSITIONS: dict[OrderStep, tuple[OrderStatus, OrderStatus]] = {
    OrderStep.CONFIRM: (OrderStatus.PLACED, OrderStatus.CONFIRMED),
    OrderStep.REJECT: (OrderStatus.PLACED, OrderStatus.REJECTED),
    OrderStep.RECEIVE: (OrderStatus.CONFIRMED, OrderStatus.RECEIVED),
    OrderStep.CORRECT_RECEIPT: (OrderStatus.RECEIVED, OrderStatus.RECEIVED),
}


class OrderStateError(Conflict):
    """A step the order's current state does not allow (a conflict on the field ``status``)."""

    def __init__(self, status: OrderStatus, step: OrderStep) -> None:
        self.current = status
        self.step = step
        needed = _TRANSITIONS[step][0]
        message = f"cannot {step.value} an order that is {status.value} (needs {needed})"
        super().__init__("status", message)


@dataclass(frozen=True)
class OrderState:
    """An order's status, the lines the supplier declined, and how its receipt went."""

    status: OrderStatus = OrderStatus.PLACED
    declined: frozenset[str] = frozenset()
    short: bool = False  # received: some line arrived below its ordered quantity
    corrections: int = 0  # received: how often the office corrected the receipt

    def confirm(self, declined: Collection[str] = ()) -> OrderState:
        """Rule 8: the supplier confirms, possibly declining single lines (by sku)."""
        return replace(self._step(OrderStep.CONFIRM), declined=frozenset(declined))

    def reject(self) -> OrderState:
        """The supplier rejects the whole order."""
        return self._step(OrderStep.REJECT)

    def receive(self, *, short: bool) -> OrderState:
        """Rule 10: the office books what arrived, once."""
        return replace(self._step(OrderStep.RECEIVE), short=short)

    def correct_receipt(self, *, short: bool) -> OrderState:
        """The office corrects a booked receipt; the correction is counted."""
        moved = self._step(OrderStep.CORRECT_RECEIPT)
        return replace(moved, short=short, corrections=self.corrections + 1)

    def allows(self, step: OrderStep) -> bool:
        """Whether ``step`` may be taken now."""
        return _TRANSITIONS[step][0] == self.status

    def _step(self, step: OrderStep) -> OrderState:
        start, end = _TRANSITIONS[step]
        if self.status != start:
            raise OrderStateError(self.status, step)
        return replace(self, status=end)
