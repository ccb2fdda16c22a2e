"""A member's pages: post a need, my needs (cancel while open), my savings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

import web.pages.charts as charts
from catalog.domain.search import fold
from web.clients.catalog import NeedSentBefore
from web.clients.service import Forbidden, NotFound, Refused
from web.pages.callers import catalog, signed_in
from web.pages.forms import ActionForm, NeedForm
from web.pages.need_quote import quote_for_form
from web.pages.remote import fetch, show_errors_as_pages
from web.pages.savings_line import cumulative_savings

pages = Blueprint("pages", __name__)
OPEN, CANCELLED = "open", "cancelled"
PREVIEW = "preview"  # the need form's button that shows prices without posting
show_errors_as_pages(pages)


def member_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in as a member's user; an admin is sent to the admin pages."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.member_id is None:
            return redirect(url_for("overview_admin.overview"))
        return view(*args, **kwargs)

    return wrapped


@pages.get("/")
@login_required
def home() -> ResponseReturnValue:
    if current_user.is_admin:
        return redirect(url_for("overview_admin.overview"))
    return redirect(url_for("pages.my_needs"))


@pages.route("/needs/new", methods=["GET", "POST"])
@member_required
def post_need() -> ResponseReturnValue:
    form = NeedForm()
    products = [(p.sku, p.name, p.unit) for p in catalog().products(signed_in())]
    if not form.is_submitted() and request.args.get("sku"):
        form.sku.data = request.args["sku"]
    if form.is_submitted() and PREVIEW not in request.form:
        need = form.validate_need({fold(name): sku for sku, name, _unit in products})
        if need is not None and (need_id := _post(form, need)) is not None:
            # the same words whether this post made the need or found it made by the
            # same form sent before (a double click, a resubmit after a lost answer)
            flash(_("Need %(id)s posted.", id=need_id), "ok")
            return redirect(url_for("pages.my_needs"))
    status = 422 if form.errors else 200
    quote = quote_for_form(form, products)
    return render_template("need_form.html", form=form, products=products, quote=quote), status


def _post(form: NeedForm, need: dict[str, Any]) -> int | None:
    """The id of the need the form posted (now or when it was sent before), or None with
    the reason beside the field."""
    try:
        return catalog().post_need(signed_in(), form.body(need), form.post_key.data).id
    except NeedSentBefore as exc:
        form.sent_before(exc.need_id)
    except Refused as exc:
        if exc.field_messages("sku") or isinstance(exc, NotFound):
            form.sku.errors.append(_("There is no product %(sku)s.", sku=need["sku"]))
        else:
            form.sku.errors.append(exc.message)
    return None


@pages.get("/needs")
@member_required
def my_needs() -> ResponseReturnValue:
    needs = catalog().needs(signed_in())[:200]
    return render_template("my_needs.html", needs=needs, form=ActionForm(), open=OPEN)


@pages.post("/needs/<id:need_id>/cancel")
@member_required
def cancel_need(need_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        status = catalog().cancel_need(signed_in(), need_id).status
    except (NotFound, Forbidden):
        abort(404)  # another member's need is as good as absent
    except Refused:
        flash(_("Need %(id)s is no longer open.", id=need_id), "error")
    else:
        if status == CANCELLED:
            flash(_("Need %(id)s cancelled.", id=need_id), "ok")
        else:  # pooling decides whether it came before the close
            flash(_("Cancellation of need %(id)s requested.", id=need_id), "ok")
    return redirect(url_for("pages.my_needs"))


@pages.get("/savings")
@member_required
def savings() -> ResponseReturnValue:
    member_id = current_user.member_id
    report = fetch("notify", f"/members/{member_id}/savings", "member", member_id)
    if not report:
        return render_template("savings.html", report=report, bars=[], chart=None)
    placed = fetch("pooling", "/orders", "member", member_id)
    closed_on: dict[int, str] = {}
    for order in placed if isinstance(placed, list) else []:  # windows close as orders go out
        day = order["placed_at"][:10]
        closed_on[order["window_id"]] = min(day, closed_on.get(order["window_id"], day))
    chart = cumulative_savings(report["windows"], closed_on)
    per_window = [(f"#{w['window_id']}", w["saved"]) for w in report["windows"]]
    bars = charts.bars(per_window, 320, 160, values_above=True)
    return render_template("savings.html", report=report, bars=bars, chart=chart)
