"""Rule 11's distribution list as a page: who collects what, where. The office sees the
whole order (and the packs per delivery address); a member its own needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from web.pages.admin import admin_required
from web.pages.callers import order_names
from web.pages.needs import member_required
from web.pages.remote import answer, show_errors_as_pages

distribution_pages = Blueprint("distribution", __name__)
show_errors_as_pages(distribution_pages)


@distribution_pages.get("/admin/orders/<id:order_id>/distribution")
@admin_required
def office_list(order_id: int) -> ResponseReturnValue:
    return _page(order_id, "admin", None)


@distribution_pages.get("/orders/<id:order_id>/distribution")
@member_required
def member_list(order_id: int) -> ResponseReturnValue:
    return _page(order_id, "member", current_user.member_id)


def _page(order_id: int, role: str, member_id: int | None) -> ResponseReturnValue:
    listed = _fetched(f"/orders/{order_id}/distribution", role, member_id)
    order = _fetched(f"/orders/{order_id}", role, member_id)
    names = order_names(order)
    return render_template(
        "distribution.html",
        order=order,
        listed=listed,
        office=role == "admin",
        products=names["products"],
        members=names["members"],
    )


def _fetched(path: str, role: str, member_id: int | None) -> Any:
    found = answer("pooling", path, role, member_id)
    if found is None:
        abort(503)
    if found.status_code != 200:
        abort(404)  # another member's order is as good as absent
    return found.json()
