"""The pool now, the members' shop window: each product by name with the pooled price,
what the next tier and free shipping would take, the cutoff and the savings so far.

The page refreshes itself while open: ``pool_window.js`` asks ``/pool/progress.json``
every half minute for the products part, rendered as on the page.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from web.clients.service import ServiceUnavailable
from web.pages.callers import catalog, product_names, signed_in, supplier_names
from web.pages.remote import fetch, show_errors_as_pages
from web.pages.shop_window import ShopWindow, shop_window

pool_pages = Blueprint("pool_pages", __name__)
show_errors_as_pages(pool_pages)
REFRESH_SECONDS = 30
OPEN = "open"


@pool_pages.get("/pool")
@login_required
def pool() -> ResponseReturnValue:
    window = _window()
    return render_template("pool.html", window=window, refresh_seconds=REFRESH_SECONDS)


@pool_pages.get("/pool/progress.json")
@login_required
def progress() -> ResponseReturnValue:
    """The products part of the page as it stands now, for the page to swap in."""
    window = _window()
    html = render_template("_pool_window.html", window=window)
    answer = jsonify({"window_id": None if window is None else window.window_id, "html": html})
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _window() -> ShopWindow | None:
    """The pool as pooling prices it now, named by catalog; None when pooling is down."""
    role = "admin" if current_user.is_admin else "member"
    member_id = current_user.member_id
    pool = fetch("pooling", "/pools/current", role, member_id)
    if not isinstance(pool, dict):
        return None
    outlook = None
    if pool.get("products"):
        outlook = fetch("pooling", "/pools/current/outlook", role, member_id)
    skus = [product["sku"] for product in pool.get("products", ())]
    names = product_names(skus) if skus else {}
    return shop_window(pool, outlook, names, supplier_names() if skus else {}, _own_needs())


def _own_needs() -> dict[str, Decimal]:
    """What the signed-in member's open needs ask of each product."""
    if current_user.member_id is None:
        return {}
    try:
        needs = catalog().needs(signed_in())
    except ServiceUnavailable:
        return {}
    own: dict[str, Decimal] = {}
    for need in needs:
        if need.status == OPEN:
            own[need.sku] = own.get(need.sku, Decimal(0)) + need.quantity
    return own
