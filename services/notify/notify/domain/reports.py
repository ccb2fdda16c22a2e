"""What a member is told about an order: their lines, what they paid, what they saved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


def member_lines(lines: Sequence[Mapping[str, Any]], member_id: int) -> list[dict[str, str]]:
    """The member's share of each order line, as strings ready to show."""
    return [
        {
            "need_id": str(a["need_id"]),
            "sku": line["sku"],
            "quantity": _text(a["quantity"]),
            "unit_price": _text(line["unit_price"]),
            "goods": _text(a["goods"]),
            "shipping_share": _text(a["shipping_share"]),
            "paid": _text(a["paid"]),
        }
        for line in lines
        for a in line["allocations"]
        if a["member_id"] == member_id
    ]


def order_subject(order_id: int, paid: Decimal, saved: Decimal) -> str:
    return (
        f"Order {order_id}: you pay {paid:.2f} EUR; the pool saved you {saved:.2f} EUR this window"
    )


def _text(value: Decimal) -> str:
    return format(value, "f")
