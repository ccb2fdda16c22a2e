"""Rule 8: a supplier confirms an order line by line.

Declined lines leave the order and their needs go back to the pool for the next window.
The confirmed lines keep the order's prices; the fee is recomputed by the supplier's terms
on the confirmed line values (``shipping_fee`` unless they reach ``free_shipping_from``)
and split again by rule 6 over the confirmed lines' needs. From then on prices and fee
hold (rule 9). Declining every line is refused: that is a rejection of the whole order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from pooling.domain.model import Need, SupplierOrder, SupplierTerms
from pooling.domain.pricing import ZERO, cost_of, fee_shares, shipping_fee_due
from shared.errors import Invalid


class LineError(Invalid):
    """A line the order does not hold, or a quantity or choice of lines the rules refuse
    (on ``field``; ``sku`` names the line when there is one)."""

    def __init__(self, field: str, sku: str | None, message: str) -> None:
        super().__init__(field, message)
        self.sku = sku


@dataclass(frozen=True)
class Confirmation:
    """The order as confirmed, and the needs of its declined lines, back to the pool."""

    order: SupplierOrder
    declined: tuple[str, ...]
    returned_needs: tuple[Need, ...]


def confirm_order(
    order: SupplierOrder, terms: SupplierTerms, declined: Collection[str] = ()
) -> Confirmation:
    """Rule 8: drop the declined lines, recompute the fee on the rest and split it again."""
    if terms.supplier_id != order.supplier_id:
        raise ValueError(f"terms of supplier {terms.supplier_id} for {order.supplier_id}'s order")
    skus = {line.sku for line in order.lines}
    for sku in sorted(declined):
        if sku not in skus:
            raise LineError("declined", sku, f"the order has no line {sku}")
    if skus and skus <= set(declined):
        raise LineError("declined", None, "every line is declined: reject the order instead")
    kept = [line for line in order.lines if line.sku not in declined]
    fee = shipping_fee_due(terms, sum((line.line_total for line in kept), ZERO))
    lines = tuple(reshare_fee(kept, fee))
    total = sum((line.line_total for line in lines), ZERO) + fee
    returned = tuple(
        Need(a.need_id, a.member_id, line.sku, a.quantity, a.delivery_site)
        for line in order.lines
        if line.sku in declined
        for a in line.allocations
    )
    confirmed = SupplierOrder(order.supplier_id, lines, fee, total)
    return Confirmation(confirmed, tuple(sorted(set(declined))), returned)


def own_goods(allocation: Any, unit_price: Decimal) -> Decimal:
    """The goods of what a need asked for itself (as received, once booked), the extra
    it took on its flexibility aside."""
    extra = allocation.extra_quantity
    if not extra:
        return allocation.goods
    got = getattr(allocation, "received", allocation.quantity)
    return cost_of(min(got, allocation.quantity - extra), unit_price)


# an order line as placed or as received: a dataclass whose allocations are dataclasses
# with need_id, goods, shipping_share and paid
LineT = TypeVar("LineT")


def reshare_fee(lines: Sequence[LineT], fee: Decimal) -> list[LineT]:
    """Rule 6 again over the lines' needs: each allocation's shipping share and paid for
    ``fee`` split in proportion to its goods (of its own quantity: an extra taken on its
    flexibility pays its goods only, as at the close)."""
    goods = {
        a.need_id: own_goods(a, line.unit_price)  # type: ignore[attr-defined]
        for line in lines
        for a in line.allocations  # type: ignore[attr-defined]
    }
    shares = fee_shares(fee, goods)
    return [
        replace(
            line,
            allocations=tuple(
                replace(a, shipping_share=shares[a.need_id], paid=a.goods + shares[a.need_id])
                for a in line.allocations  # type: ignore[attr-defined]
            ),
        )
        for line in lines
    ]
