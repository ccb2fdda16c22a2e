"""The office after the order: its orders, and each one's receipt (rule 10) booked and
corrected on a phone, with the split shown before it is booked.

Orders live in pooling: the pages read and book them through pooling's API as the
office. The split shown before booking is pooling's own (``?dry_run=true``), so the
page shows exactly what booking would store.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.pages.admin import admin_required
from web.pages.callers import order_names, supplier_names
from web.pages.office_lists import ORDERS
from web.pages.receipt_forms import ReceiptForm
from web.pages.remote import answer, fetch, send, show_errors_as_pages

receipt_admin = Blueprint("receipt_admin", __name__, url_prefix="/admin")
show_errors_as_pages(receipt_admin)

RECEIVABLE = ("confirmed", "received")


@receipt_admin.get("/orders")
@admin_required
def orders() -> ResponseReturnValue:
    """Every order pooling has (a few a week), searched, sorted and paged here."""
    fetched, names = fetch("pooling", "/orders", "admin", None), supplier_names()
    if fetched is None:
        return render_template("admin_orders.html", orders=None, suppliers=names)
    rows = [o | {"supplier": names.get(o["supplier_id"], str(o["supplier_id"]))} for o in fetched]
    listed = ORDERS.answer(rows)
    if isinstance(listed, Response):
        return listed
    return render_template("admin_orders.html", orders=listed, suppliers=names)


@receipt_admin.get("/orders/<id:order_id>/receipt")
@admin_required
def receipt(order_id: int) -> ResponseReturnValue:
    order = _order(order_id)
    form = ReceiptForm(formdata=None)
    booked = order["status"] == "received"
    form.fill(_delivered(order), "received_quantity" if booked else "ordered_quantity")
    return _receipt_page(order, form)


@receipt_admin.post("/orders/<id:order_id>/receipt")
@admin_required
def book_receipt(order_id: int) -> ResponseReturnValue:
    """ "Show the split" asks pooling for a dry run; "Book" books (or corrects) it."""
    order = _order(order_id)
    form = ReceiptForm()
    if not form.validate_on_submit() or order["status"] not in RECEIVABLE:
        abort(400)
    body = form.receipt(_delivered(order))
    if body is None:
        return _receipt_page(order, form, status=422)
    method = "put" if form.correcting.data == "1" else "post"
    preview = request.form.get("action") == "preview"
    path = f"/orders/{order_id}/receipt" + ("?dry_run=true" if preview else "")
    sent = send("pooling", path, "admin", body, method=method)
    if sent is None:
        problem = _("Pooling does not answer, so nothing was booked. Please try again soon.")
        return _receipt_page(order, form, problem=problem, status=503)
    status, shown = sent
    if status == 200 and preview:
        return _receipt_page(order, form, preview=shown)
    if status in (200, 201):
        flash(_("The receipt of order %(id)s is booked.", id=order_id), "ok")
        return redirect(url_for("receipt_admin.receipt", order_id=order_id))
    if status == 409:
        problem = _(
            "Order %(id)s was booked or changed meanwhile, perhaps by someone else.", id=order_id
        )
        return _receipt_page(_order(order_id), form, problem=problem, status=409)
    return _receipt_page(order, form, problem=_refused(form, shown), status=422)


def _refused(form: ReceiptForm, shown: Any) -> str | None:
    """Pooling's refusal beside the line it names, else the page's problem."""
    message = shown.get("error") if isinstance(shown, dict) else None
    for entry in form.lines:
        if message and re.search(rf"\b{re.escape(entry.form.sku.data)}\b", message):
            refusal = _("Pooling refused this quantity: %(reason)s", reason=message)
            entry.form.received_quantity.errors = [refusal]
            return None
    return _(message or "That did not work")


def _order(order_id: int) -> dict[str, Any]:
    found = answer("pooling", f"/orders/{order_id}", "admin", None)
    if found is None:
        abort(503)
    if found.status_code != 200:
        abort(404)
    return found.json()  # type: ignore[no-any-return]


def _delivered(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The lines the supplier did not decline: those a receipt books."""
    return [line for line in order["lines"] if not line.get("declined")]


def _receipt_page(
    order: dict[str, Any], form: ReceiptForm, status: int = 200, **context: Any
) -> ResponseReturnValue:
    names = order_names(order)
    for entry, line in zip(form.lines, _delivered(order), strict=False):
        entry.form.received_quantity.label.text = _("Arrived (%(sku)s)", sku=line["sku"])
    bookings = None
    if order["status"] == "received":
        bookings = fetch("pooling", f"/orders/{order['id']}/receipts", "admin", None)
    return render_template(
        "admin_receipt.html",
        order=order,
        lines=_delivered(order),
        form=form,
        bookings=bookings,
        receivable=order["status"] in RECEIVABLE,
        products=names["products"],
        members=names["members"],
        **context,
    ), status
