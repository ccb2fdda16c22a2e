"""The office's list of every member's needs: catalog's needs API searches, sorts and
pages them in the database (``entrypoints/need_search.py``), as the years bring many."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from web.clients.service import OFFICE
from web.pages.admin import admin_required
from web.pages.callers import catalog, members_by_name
from web.pages.listing import Query
from web.pages.office_lists import NEED_STATUSES, NEEDS
from web.pages.remote import show_errors_as_pages

needs_admin = Blueprint("needs_admin", __name__, url_prefix="/admin")
show_errors_as_pages(needs_admin)


@needs_admin.get("/needs")
@admin_required
def needs() -> ResponseReturnValue:
    names = dict(members_by_name())

    def fetch(query: Query, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
        params = {"q": query.text, "sort": query.sort, "page": page, "per_page": per_page}
        params |= {"dir": "desc" if query.descending else "asc"} | query.filters
        found, total = catalog().need_page(OFFICE, {k: v for k, v in params.items() if v})
        member = lambda n: names.get(n.member_id, str(n.member_id))  # noqa: E731
        return [vars(n) | {"member": member(n)} for n in found], total

    listed = NEEDS.fetched(fetch)
    if isinstance(listed, Response):
        return listed
    return render_template("admin_needs.html", needs=listed, statuses=NEED_STATUSES)
