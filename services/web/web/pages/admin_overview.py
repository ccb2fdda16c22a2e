"""The office's start page: one tile per thing that wants looking at (the open round,
orders waiting, dead letters and alerts, the last close, the Skonto gained), each number
linking to its list. Every tile reads its own service; one that does not answer is shown
as unavailable and the rest of the page still renders."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from shared.ops import dead_letter_queues
from web.clients.service import ServiceUnavailable
from web.pages.admin import admin_required
from web.pages.callers import catalog, signed_in
from web.pages.member_accounts import skonto_gained
from web.pages.ops_view import moment
from web.pages.remote import fetch, show_errors_as_pages

overview_admin = Blueprint("overview_admin", __name__, url_prefix="/admin")
show_errors_as_pages(overview_admin)

CENT = Decimal("0.01")
WAITING = {"placed": "confirmation", "confirmed": "receipt"}


@overview_admin.get("")
@admin_required
def overview() -> ResponseReturnValue:
    return render_template(
        "admin_overview.html",
        round=_open_round(),
        orders=_orders_waiting(),
        ops=_ops(),
        last_close=_last_close(),
        skonto=_skonto(),
    )


def _open_round() -> dict[str, Any] | None:
    """The round now open: its open needs, the members behind them, the value at the
    pooled prices so far and its cutoff (pooling counts them); None when pooling does not
    answer."""
    pool = fetch("pooling", "/pools/current", "admin", None)
    if pool is None:
        return None
    return {
        "window_id": pool.get("window_id"),
        "closes_at": moment(pool.get("closes_at")),
        "needs": pool.get("needs", 0),
        "members": pool.get("members", 0),
        "value": pool_value(pool.get("products") or []),
    }


def pool_value(products: list[dict[str, Any]]) -> Decimal:
    """What the pooled quantities cost at the prices their offers reach now, to the cent."""
    value = sum(
        (
            Decimal(offer["ordered_quantity"]) * Decimal(offer["unit_price"])
            for product in products
            for offer in product.get("offers") or ()
        ),
        Decimal(0),
    )
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _orders_waiting() -> dict[str, int] | None:
    """How many orders wait for the supplier's confirmation, and how many for receipt."""
    orders = fetch("pooling", "/orders", "admin", None)
    if orders is None:
        return None
    counted = Counter(WAITING[o["status"]] for o in orders if o.get("status") in WAITING)
    return {kind: counted.get(kind, 0) for kind in WAITING.values()}


def _ops() -> dict[str, Any] | None:
    """Dead letters waiting (None while the broker cannot be asked) and open alerts."""
    try:
        seen = catalog().ops.overview(signed_in(), 1)
    except ServiceUnavailable:
        return None
    dead = dead_letter_queues()
    letters = None
    if seen.snapshot is not None:
        queues = seen.snapshot.get("queues") or []
        letters = sum(q.get("messages") or 0 for q in queues if q["name"] in dead)
    return {"dead_letters": letters, "alerts": len(seen.alerts)}


def _last_close() -> dict[str, Any] | None:
    """The newest closed round (``{}`` when none was closed yet)."""
    closes = fetch("pooling", "/pools/closed?limit=1", "admin", None)
    if closes is None:
        return None
    if not closes:
        return {}
    return closes[0] | {"closed_at": moment(closes[0].get("closed_at"))}


def _skonto() -> Decimal | None:
    found = fetch("billing", "/settlements", "admin", None)
    return None if found is None else skonto_gained(found["settlements"])
