"""What a member is told about an order and a window: their lines, what they paid, what
they saved, as text ready to show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from notify.domain.savings import Totals


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


def report_details(report: Mapping[str, Any]) -> dict[str, Any]:
    """A window's savings report as JSON: every amount a decimal string."""

    def totals(t: Totals) -> dict[str, str]:
        return {"baseline": str(t.baseline), "paid": str(t.paid), "saved": str(t.saved)}

    return {
        "window_id": report["window_id"],
        "year": report["year"],
        "lines": [
            {
                "sku": line.sku,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "paid": str(line.paid),
                "alone": str(line.alone),
                "saved": str(line.saved),
            }
            for line in report["lines"]
        ],
        "window": totals(report["window"]),
        "year_to_date": totals(report["ytd"]),
    }


def _text(value: Decimal) -> str:
    return format(value, "f")
