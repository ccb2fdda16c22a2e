"""A member's orders: what each pool window cost, and the member's own lines of each order.

Pooling answers with the orders the member's needs went into, showing only the
member's own allocations; notify answers with what the member would have paid
alone per window. Both are asked by the server, with the member's own role.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from web.pages.callers import product_names, supplier_names
from web.pages.needs import member_required
from web.pages.remote import fetch, fetch_answer, show_errors_as_pages
from web.pages.site_receipts import site_shares

order_pages = Blueprint("orders", __name__)
show_errors_as_pages(order_pages)
ZERO = Decimal("0.00")


@order_pages.get("/orders")
@member_required
def my_orders() -> ResponseReturnValue:
    member_id = current_user.member_id
    placed = fetch("pooling", "/orders", "member", member_id)
    report = fetch("notify", f"/members/{member_id}/savings", "member", member_id)
    windows = None if placed is None else order_windows(placed, _savings_by_window(report))
    return render_template(
        "my_orders.html", windows=windows, suppliers=supplier_names(), savings_known=bool(report)
    )


@order_pages.get("/orders/<id:order_id>")
@member_required
def order_detail(order_id: int) -> ResponseReturnValue:
    member_id = current_user.member_id
    answer = fetch_answer("pooling", f"/orders/{order_id}", "member", member_id)
    if answer is None:
        return render_template("order_detail.html", order=None, order_id=order_id), 503
    status, order = answer
    if status in (403, 404):
        abort(404)  # another member's order is as good as absent
    if status != 200:
        abort(400)
    report = fetch("notify", f"/members/{member_id}/savings", "member", member_id)
    window = _savings_by_window(report).get(order["window_id"])
    lines = member_lines(order, product_names(line["sku"] for line in order["lines"]))
    return render_template(
        "order_detail.html",
        order=order,
        order_id=order_id,
        lines=lines,
        totals=_totals(lines),
        window=window,
        supplier=supplier_names().get(order["supplier_id"]),
        sites=sorted(site_shares(order)),
    )


def member_lines(order: dict[str, Any], products: dict[str, tuple[str, str]]) -> list[dict]:
    """The member's allocations of an order, one row per need, with the product's name."""
    rows = []
    for line in order["lines"]:
        name, unit = products.get(line["sku"], (line["sku"], ""))
        for allocation in line["allocations"]:
            rows.append(
                {
                    "need_id": allocation["need_id"],
                    "sku": line["sku"],
                    "product": name,
                    "unit": unit,
                    "quantity": Decimal(allocation["quantity"]),
                    "unit_price": Decimal(line["unit_price"]),
                    "goods": Decimal(allocation["goods"]),
                    "shipping_share": Decimal(allocation["shipping_share"]),
                    "paid": Decimal(allocation["paid"]),
                    "declined": line.get("declined", False),  # rule 8: back in the pool
                    "received": allocation.get("received"),  # rule 10: once booked
                    # taken on the need's flexibility ("bis zu"), part of the quantity
                    "extra": Decimal(allocation.get("extra_quantity") or 0),
                }
            )
    return rows


def order_windows(
    placed: list[dict[str, Any]], savings: dict[int, dict[str, Decimal]]
) -> list[dict[str, Any]]:
    """The member's orders grouped by pool window, newest window first.

    A window's paid, alone and saved come from the savings report (a rejected
    order no longer counts there); each order shows what the member pays for it.
    """
    by_window: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for order in placed:
        lines = member_lines(order, {})
        paid = sum((row["paid"] for row in lines), ZERO)
        by_window[order["window_id"]].append(order | {"member_paid": paid})
    return [
        {
            "window_id": window_id,
            "orders": sorted(by_window[window_id], key=lambda o: o["id"]),
            "savings": savings.get(window_id),
            "placed_at": min(o["placed_at"] for o in by_window[window_id]),
        }
        for window_id in sorted(by_window, reverse=True)
    ]


def _totals(lines: list[dict]) -> dict[str, Decimal]:
    return {
        key: sum((row[key] for row in lines), ZERO) for key in ("goods", "shipping_share", "paid")
    }


def _savings_by_window(report: dict[str, Any] | None) -> dict[int, dict[str, Decimal]]:
    if not report:
        return {}
    return {
        w["window_id"]: {key: Decimal(w[key]) for key in ("baseline", "paid", "saved")}
        for w in report.get("windows", [])
    }
