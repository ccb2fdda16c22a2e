"""A member's open need, changed before the cutoff: cancelling asks first, on a page of
its own (no JavaScript needed); the cancel itself is ``needs.cancel_need``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.web.callers import catalog, signed_in
from catalog.web.clients.catalog_types import Need
from catalog.web.clients.service import Forbidden, NotFound
from catalog.web.forms import ActionForm
from catalog.web.needs import OPEN, member_required
from catalog.web.remote import show_errors_as_pages

need_changes = Blueprint("need_changes", __name__)
show_errors_as_pages(need_changes)


def own_need(need_id: int) -> Need:
    """The signed-in member's need; another member's is as good as absent (404)."""
    try:
        return catalog().need(signed_in(), need_id)
    except (NotFound, Forbidden):
        abort(404)


@need_changes.get("/needs/<id:need_id>/cancel")
@member_required
def confirm_cancel(need_id: int) -> ResponseReturnValue:
    need = own_need(need_id)
    if need.status != OPEN:
        flash(_("Need %(id)s is no longer open.", id=need_id), "error")
        return redirect(url_for("pages.my_needs"))
    return render_template("need_cancel.html", need=need, form=ActionForm())
