"""The supplier portal: a supplier's order desk sees its own orders, confirms or rejects
them, downloads them as CSV or PDF and uploads its price list.

Orders live in pooling: the pages read and decide them through pooling's API, as
the signed-in user's supplier, so pooling's own checks apply. Price lists are
catalog's own and go through the same reading and handler as the API's upload.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from catalog.entrypoints.price_list_format import COLUMNS, MAX_BYTES
from web.clients.catalog_types import PriceListRefused, RowProblem
from web.clients.service import Refused
from web.pages.callers import catalog, order_names, signed_in
from web.pages.remote import answer, fetch, send, show_errors_as_pages
from web.pages.supplier_forms import ConfirmForm, PriceListForm, RejectForm

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
    form = PriceListForm()
    result: dict[str, Any] = {}
    if form.validate_on_submit():
        result = _upload(form.file.data)
    status = 422 if form.errors or result.get("problems") else 200
    return render_template(
        "supplier_price_list.html",
        form=form,
        columns=COLUMNS,
        offers=_offers(),
        **result,
    ), status


@portal.get("/price-list.csv")
@supplier_required
def price_list_download() -> ResponseReturnValue:
    """The supplier's offers as the CSV the upload reads."""
    body = catalog().price_list(signed_in(), current_user.supplier_id)
    response = Response(body, content_type="text/csv; charset=utf-8")
    filename = f"preisliste-{current_user.supplier_id}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _upload(upload: FileStorage) -> dict[str, Any]:
    try:
        text = upload.read(MAX_BYTES + 1)
        summary = catalog().upload_price_list(signed_in(), current_user.supplier_id, text)
    except PriceListRefused as exc:  # the file as a whole, or its rows and columns
        return {"problems": _translated(exc.problems), "count": exc.count}
    except Refused as exc:  # not a price list at all
        whole = [{"row": None, "column": None, "message": _(exc.message)}]
        return {"problems": whole, "count": 1}
    current_app.logger.info(
        "supplier %s uploaded a price list: %s offers", summary.supplier_id, summary.offers_set
    )
    return {"summary": summary}


def _translated(problems: Iterable[RowProblem]) -> list[dict[str, Any]]:
    """The reader's language where a message is a known one (the API's are English)."""
    return [
        {"row": p.row, "column": p.column, "message": _(p.template, **p.values)} for p in problems
    ]


def _offers() -> list[dict[str, Any]]:
    caller = signed_in()
    mine = [o for o in catalog().offers(caller) if o.supplier_id == current_user.supplier_id]
    products = {p.sku: p for p in catalog().products(caller, (o.sku for o in mine))}
    return sorted(
        (
            {
                "sku": o.sku,
                "name": products[o.sku].name,
                "unit": products[o.sku].unit,
                "pack_size": o.pack_size,
                "tiers": list(o.tiers),
                "valid_from": o.valid_from,
                "vat_rate": products[o.sku].vat_rate,
            }
            for o in mine
            if o.sku in products
        ),
        key=lambda offer: offer["sku"],
    )
