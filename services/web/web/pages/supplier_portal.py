"""The supplier portal: a supplier's order desk sees its own orders, confirms or rejects
them, downloads them as CSV or PDF and uploads its price list.

Orders live in pooling: the pages read and decide them through pooling's API, as
the signed-in user's supplier, so pooling's own checks apply. Price lists are
catalog's own and go through the same reading and handler as the API's upload.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.clients.service import Refused
from web.pages.callers import catalog, order_names, signed_in
from web.pages.price_list_pages import csv_download, price_list_page, template_download
from web.pages.remote import answer, fetch, send, show_errors_as_pages
from web.pages.supplier_forms import ConfirmForm, RejectForm

portal = Blueprint("supplier_portal", __name__, url_prefix="/supplier")
show_errors_as_pages(portal)

OPEN_TO_SUPPLIERS = ("supplier_portal.", "accounts.", "static")


def supplier_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_supplier:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def keep_suppliers_in_their_portal() -> ResponseReturnValue | None:
    """A supplier's user sees the portal and nothing of the members' or the office's pages."""
    if not current_user.is_authenticated or not current_user.is_supplier:
        return None
    endpoint = request.endpoint or ""
    if endpoint == "pages.home":
        return redirect(url_for("supplier_portal.orders"))
    if not endpoint or endpoint.startswith(OPEN_TO_SUPPLIERS):
        return None
    return render_template("error.html", code=403), 403


def _pooling(path: str) -> Any:
    return fetch("pooling", path, "supplier", current_user.supplier_id)


@portal.get("/orders")
@supplier_required
def orders() -> ResponseReturnValue:
    listed = _pooling("/orders")
    return render_template("supplier_orders.html", orders=listed, supplier=_supplier_name())


@portal.get("/orders/<id:order_id>")
@supplier_required
def order(order_id: int) -> ResponseReturnValue:
    return _order_page(order_id, ConfirmForm(), RejectForm())


@portal.post("/orders/<id:order_id>/confirm")
@supplier_required
def confirm(order_id: int) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _order_page(order_id, form, RejectForm(formdata=None), status=422)
    body = {"expected_delivery": form.expected_delivery.data.isoformat()}
    body["declined"] = sorted(set(form.declined.data or ()))
    return _decide(order_id, "confirm", body, _("Order %(id)s confirmed.", id=order_id))


@portal.post("/orders/<id:order_id>/reject")
@supplier_required
def reject(order_id: int) -> ResponseReturnValue:
    form = RejectForm()
    if not form.validate_on_submit():
        return _order_page(order_id, ConfirmForm(formdata=None), form, status=422)
    body = {"reason": (form.reason.data or "").strip()}
    return _decide(order_id, "reject", body, _("Order %(id)s rejected.", id=order_id))


@portal.get('/orders/<id:order_id>/<any("document.pdf", "document.csv", "allocations.csv"):file>')
@supplier_required
def document(order_id: int, file: str) -> ResponseReturnValue:
    """The order form, its lines or the needs it serves, as pooling writes them."""
    path = f"/orders/{order_id}/{file}"
    found = answer("pooling", path, "supplier", current_user.supplier_id)
    if found is None:
        return render_template("supplier_unavailable.html"), 503
    if found.status_code != 200:
        abort(404)  # another supplier's order is as good as absent
    response = Response(found.content, content_type=found.headers["Content-Type"])
    response.headers["Content-Disposition"] = found.headers["Content-Disposition"]
    return response


def _decide(order_id: int, decision: str, body: dict[str, Any], done: str) -> ResponseReturnValue:
    sent = send(
        "pooling",
        f"/orders/{order_id}/{decision}",
        "supplier",
        body,
        subject_id=current_user.supplier_id,
    )
    if sent is None:
        flash(_("Pooling does not answer, so nothing was decided. Please try again soon."), "error")
    elif sent[0] in (403, 404):
        abort(404)
    elif sent[0] == 409:
        flash(_("Order %(id)s was decided already.", id=order_id), "error")
    elif sent[0] == 422 and "declined" in (sent[1].get("details") or {}):
        flash(_("You cannot decline every line: reject the order instead."), "error")
    elif sent[0] != 200:
        flash(_("That did not work"), "error")
    else:
        flash(done, "ok")
    return redirect(url_for("supplier_portal.order", order_id=order_id))


def _order_page(
    order_id: int, confirm_form: ConfirmForm, reject_form: RejectForm, status: int = 200
) -> ResponseReturnValue:
    found = answer("pooling", f"/orders/{order_id}", "supplier", current_user.supplier_id)
    if found is None:
        return render_template("supplier_unavailable.html"), 503
    if found.status_code != 200:
        abort(404)
    shown = found.json()
    names = order_names(shown)
    return render_template(
        "supplier_order.html",
        order=shown,
        products=names["products"],
        members=names["members"],
        goods=sum(
            (Decimal(line["line_total"]) for line in shown["lines"] if not line.get("declined")),
            Decimal(0),
        ),
        confirm_form=confirm_form,
        reject_form=reject_form,
    ), status


def _supplier_name() -> str:
    try:
        return catalog().supplier(signed_in(), current_user.supplier_id).name
    except Refused:
        return ""


@portal.route("/price-list", methods=["GET", "POST"])
@supplier_required
def price_list() -> ResponseReturnValue:
    """Upload a price list; all rows are set or, on any problem, none (shown row by row)."""
    return price_list_page(
        current_user.supplier_id,
        title=_("Price list"),
        offers_title=_("Your offers"),
        download_url=url_for("supplier_portal.price_list_download"),
        template_url=url_for("supplier_portal.price_list_template"),
    )


@portal.get("/price-list.csv")
@supplier_required
def price_list_download() -> ResponseReturnValue:
    """The supplier's offers as the CSV the upload reads."""
    body = catalog().price_list(signed_in(), current_user.supplier_id)
    return csv_download(body, f"preisliste-{current_user.supplier_id}.csv")


@portal.get("/price-list-template.csv")
@supplier_required
def price_list_template() -> ResponseReturnValue:
    """An empty price list with an example of each column, to fill in."""
    return template_download()
