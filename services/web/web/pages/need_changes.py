"""A member's open need, changed before the cutoff: its quantity, flexibility, day, site
or note; cancelling asks first, on a page of its own (no JavaScript needed), the cancel
itself is ``needs.cancel_need``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.clients.catalog_types import Need
from web.clients.service import Forbidden, NotFound, Refused
from web.pages.callers import catalog, signed_in
from web.pages.forms import ActionForm
from web.pages.need_change_form import FIELDS, NeedChangeForm
from web.pages.need_quote import quote_for
from web.pages.needs import OPEN, member_required
from web.pages.remote import show_errors_as_pages

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


@need_changes.route("/needs/<id:need_id>/edit", methods=["GET", "POST"])
@member_required
def edit_need(need_id: int) -> ResponseReturnValue:
    """Change an open need until the cutoff; the product stays (cancel and post anew)."""
    need = own_need(need_id)
    if need.status != OPEN:
        flash(_("Need %(id)s is no longer open.", id=need_id), "error")
        return redirect(url_for("pages.my_needs"))
    form = NeedChangeForm()
    if not form.is_submitted():
        form.fill(need)
    elif (changes := form.changes()) is not None:
        try:
            catalog().change_need(signed_in(), need_id, changes)
        except Refused as exc:
            _show_refusal(form, exc)
        else:
            flash(_("Need %(id)s changed.", id=need_id), "ok")
            return redirect(url_for("pages.my_needs"))
    status = 422 if form.errors else 200
    return render_template("need_edit.html", need=need, form=form), status


def _show_refusal(form: NeedChangeForm, exc: Refused) -> None:
    """Catalog's refusal beside its field (a need closed meanwhile: beside the quantity)."""
    for name in FIELDS:
        if messages := exc.field_messages(name):
            getattr(form, name).errors = messages
            return
    if exc.status == 409:
        form.quantity.errors = [_("The need is no longer open: the pool has closed.")]
    else:
        form.quantity.errors = [exc.message]


@need_changes.get("/needs/quote")
@member_required
def quote_part() -> ResponseReturnValue:
    """The need form's quote for ``?sku=&quantity=``, rendered as on the form, for the
    form's script to swap in as the member types."""
    products = [(p.sku, p.name, p.unit) for p in catalog().products(signed_in())]
    quote = quote_for(request.args.get("sku", ""), request.args.get("quantity", ""), products)
    answer = jsonify({"html": render_template("_need_quote.html", quote=quote)})
    answer.headers["Cache-Control"] = "no-store"
    return answer
