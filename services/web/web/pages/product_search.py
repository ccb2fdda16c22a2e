"""The need form's product search as the member types (``static/combobox.js``): catalog's
search, asked as the signed-in user, answered as JSON to the page's own script."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from shared.fields import ascii_int
from web.pages.callers import catalog, signed_in

product_search = Blueprint("product_search", __name__)
MOST = 50


@product_search.get("/products/search")
@login_required
def search() -> ResponseReturnValue:
    """``?q=`` the words typed, ``?limit=`` 1 to 50 (8 by default): ``[{sku, name, unit}]``."""
    try:
        limit = ascii_int(request.args.get("limit", "8"))
    except ValueError:
        abort(400)
    if not 1 <= limit <= MOST:
        abort(400)
    found = catalog().search_products(signed_in(), request.args.get("q", "")[:200], limit)
    return jsonify([{"sku": p.sku, "name": p.name, "unit": p.unit} for p in found])
