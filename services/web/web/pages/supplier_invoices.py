"""Suppliers' invoices on the pages (rule 14): the office uploads an invoice and sees how
it matches its orders, assigns orders, accepts with a reason or disputes; a supplier
uploads its invoices in its portal and sees their match. Invoices live in billing: the
pages go through billing's API as the signed-in user, so billing's checks apply."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Request, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from web.pages.admin import admin_required
from web.pages.remote import fetch, send, show_errors_as_pages, status_and_json
from web.pages.remote import request as ask
from web.pages.supplier_portal import portal, supplier_required

log = logging.getLogger(__name__)
supplier_invoice_admin = Blueprint("supplier_invoice_admin", __name__, url_prefix="/admin")
show_errors_as_pages(supplier_invoice_admin)
UPLOAD_TIMEOUT_SECONDS = 30.0
MAX_FILE_BYTES = 1024 * 1024  # billing's limit of an invoice file
UPLOAD_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024  # a whole invoice file and the form around it
UPLOAD_VIEWS = ("supplier_invoice_admin.invoices", "supplier_portal.supplier_invoices")


class UploadRequest(Request):
    """A page's request: an invoice upload may carry a file as large as billing takes with
    the form around it; every other body keeps the app's limit of 1 MiB."""

    @property
    def max_content_length(self) -> int | None:
        if self.endpoint in UPLOAD_VIEWS:
            return UPLOAD_BODY_BYTES
        return super().max_content_length


class InvoiceUploadForm(FlaskForm):
    file = FileField(
        _l("Invoice (Factur-X / ZUGFeRD PDF, XRechnung or CII / UBL XML)"),
        validators=[FileRequired(message=_l("Please choose a file."))],
    )


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class AssignForm(FlaskForm):
    order_ids = StringField(
        _l("Order numbers"),
        validators=[
            DataRequired(),
            Regexp(
                r"^\s*\d+(\s*[,; ]\s*\d+)*\s*$",
                message=_l("Order numbers separated by commas, e.g. 12, 13."),
            ),
        ],
    )


STATUS = {
    "matched": _l("Matched"),
    "differences": _l("Differences"),
    "unmatched": _l("No order to compare with"),
}
DECISION = {"open": _l("Open"), "accepted": _l("Accepted"), "disputed": _l("Disputed")}
LINE_FIELDS = {
    "quantity": _l("%(sku)s: quantity (received)"),
    "unit_price": _l("%(sku)s: unit price (confirmed)"),
    "vat_rate": _l("%(sku)s: VAT rate"),
    "net_amount": _l("%(sku)s: net amount"),
}
TOTALS = {
    "fee": _l("Shipping fee"),
    "net_total": _l("Net total"),
    "vat_total": _l("VAT total"),
    "gross_total": _l("Gross total"),
    "supplier": _l("Supplier"),
}


def difference_label(field: str) -> str:
    """A difference's field (``line:SKU:unit_price``, ``fee``, ``order:12:status``) in the
    reader's words."""
    parts = field.split(":")
    if parts[0] == "line" and len(parts) == 2:
        return _("%(sku)s: not in the order", sku=parts[1])
    if parts[0] == "line" and parts[-1] in LINE_FIELDS:
        return str(LINE_FIELDS[parts[-1]]) % {"sku": ":".join(parts[1:-1])}
    if parts[0] == "order" and len(parts) == 3:
        return _("Order %(id)s: not received yet", id=parts[1])
    if parts[0] == "order":
        return _("Order named on the invoice")
    return str(TOTALS.get(field, field))


def difference_kind(field: str) -> str:
    """How a difference's figures read: a quantity, a rate or money (an order's status: text)."""
    if field.startswith("order"):
        return "text"
    if field.endswith(":quantity") or field.count(":") == 1:
        return "quantity"
    return "rate" if field.endswith(":vat_rate") else "money"


def _upload(file: Any, role: str, subject_id: int | None) -> tuple[int, Any] | None:
    """The file to billing's ``POST /supplier-invoices`` as the signed-in user."""
    data = file.read(MAX_FILE_BYTES + 1)
    media = "application/pdf" if data.lstrip()[:5] == b"%PDF-" else "application/xml"
    path = "/supplier-invoices"
    response = ask(
        "billing",
        "POST",
        path,
        role,
        subject_id,
        headers={"Content-Type": media},
        data=data,
        timeout=UPLOAD_TIMEOUT_SECONDS,
    )
    return status_and_json("billing", path, response)


def _take(form: InvoiceUploadForm, role: str, subject_id: int | None) -> dict[str, Any] | None:
    """Upload the form's file; the invoice read, or None with the reason flashed."""
    answer = _upload(form.file.data, role, subject_id)
    if answer is None:
        flash(_("Billing cannot be reached just now; please try again later."), "error")
        return None
    status, body = answer
    if status != 201:
        flash(_("The invoice was not taken: %(reason)s", reason=_said(body, status)), "error")
        return None
    flash(_("Invoice %(number)s read.", number=body["number"]), "ok")
    return body


def _said(body: Any, status: int) -> str:
    """Billing's reason, in the reader's language (the pages ask billing in it)."""
    said = body.get("error") if isinstance(body, dict) else None
    return said or str(status)


def offered(invoice: dict[str, Any]) -> dict[str, bool]:
    """What the office may do to the invoice in its state, as billing says (``actions``):
    a page never offers what billing would refuse."""
    return {action: action in invoice["actions"] for action in ("assign", "accept", "dispute")}


def _page_values() -> dict[str, Any]:
    return {
        "status_names": STATUS,
        "decision_names": DECISION,
        "label": difference_label,
        "kind": difference_kind,
    }


@supplier_invoice_admin.route("/supplier-invoices", methods=["GET", "POST"])
@admin_required
def invoices() -> ResponseReturnValue:
    """Upload a supplier's invoice; the invoices with their match and decision."""
    form = InvoiceUploadForm()
    if form.validate_on_submit() and (taken := _take(form, "admin", None)) is not None:
        return redirect(url_for("supplier_invoice_admin.invoice", invoice_id=taken["id"]))
    listed = fetch("billing", "/supplier-invoices", "admin", None)
    found = None if listed is None else listed["supplier_invoices"]
    status = 422 if form.errors else 200
    return render_template(
        "admin_supplier_invoices.html", form=form, invoices=found, **_page_values()
    ), status


@supplier_invoice_admin.get("/supplier-invoices/<id:invoice_id>")
@admin_required
def invoice(invoice_id: int) -> ResponseReturnValue:
    return _invoice_page(invoice_id, DecisionForm(), AssignForm())


def _invoice_page(
    invoice_id: int, decision: DecisionForm, assign: AssignForm, status: int = 200
) -> ResponseReturnValue:
    found = fetch("billing", f"/supplier-invoices/{invoice_id}", "admin", None)
    if found is None:
        abort(404)
    return render_template(
        "admin_supplier_invoice.html",
        invoice=found,
        offer=offered(found),
        decision=decision,
        assign=assign,
        **_page_values(),
    ), status


@supplier_invoice_admin.post("/supplier-invoices/<id:invoice_id>/<any(accept, dispute):verdict>")
@admin_required
def decide(invoice_id: int, verdict: str) -> ResponseReturnValue:
    """Accept the invoice's differences, or dispute it (the supplier is told), with a reason."""
    form = DecisionForm()
    if not form.validate_on_submit():
        return _invoice_page(invoice_id, form, AssignForm(formdata=None), 422)
    path = f"/supplier-invoices/{invoice_id}/{verdict}"
    answer = send("billing", path, "admin", {"reason": form.reason.data.strip()})
    _flash_answer(
        answer,
        _("Invoice accepted.")
        if verdict == "accept"
        else _("Invoice disputed; the supplier is told."),
    )
    return redirect(url_for("supplier_invoice_admin.invoice", invoice_id=invoice_id))


@supplier_invoice_admin.post("/supplier-invoices/<id:invoice_id>/orders")
@admin_required
def assign(invoice_id: int) -> ResponseReturnValue:
    """The orders the invoice bills, as the office chooses them; it is matched again."""
    form = AssignForm()
    if not form.validate_on_submit():
        return _invoice_page(invoice_id, DecisionForm(formdata=None), form, 422)
    numbers = sorted(
        {int(n) for n in form.order_ids.data.replace(";", ",").replace(" ", ",").split(",") if n}
    )
    path = f"/supplier-invoices/{invoice_id}/orders"
    answer = send("billing", path, "admin", {"order_ids": numbers}, method="put")
    _flash_answer(answer, _("Orders assigned; the invoice was matched again."))
    return redirect(url_for("supplier_invoice_admin.invoice", invoice_id=invoice_id))


def _flash_answer(answer: tuple[int, Any] | None, done: str) -> None:
    if answer is None:
        flash(_("Billing cannot be reached just now; please try again later."), "error")
    elif answer[0] != 200:
        flash(_("Not done: %(reason)s", reason=_said(answer[1], answer[0])), "error")
    else:
        flash(done, "ok")


@portal.route("/invoices", methods=["GET", "POST"])
@supplier_required
def supplier_invoices() -> ResponseReturnValue:
    """A supplier uploads its invoices and sees how each matches its orders."""
    form = InvoiceUploadForm()
    supplier_id = current_user.supplier_id
    if form.validate_on_submit() and _take(form, "supplier", supplier_id) is not None:
        return redirect(url_for("supplier_portal.supplier_invoices"))
    listed = fetch("billing", "/supplier-invoices", "supplier", supplier_id)
    found = None if listed is None else listed["supplier_invoices"]
    status = 422 if form.errors else 200
    return render_template(
        "supplier_invoices.html", form=form, invoices=found, **_page_values()
    ), status


def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    """A body over the pages' limit (on an invoice upload ``UPLOAD_BODY_BYTES``): there the
    page says that the file is too large, as billing says it of a file it refuses."""
    reason = None
    if request.endpoint in UPLOAD_VIEWS:
        too_large = _("The file is larger than %(kib)s KiB.", kib=MAX_FILE_BYTES // 1024)
        reason = _("The invoice was not taken: %(reason)s", reason=too_large)
    return render_template("error.html", code=413, reason=reason), 413


supplier_invoice_admin.register_error_handler(RequestEntityTooLarge, _too_large)
portal.register_error_handler(RequestEntityTooLarge, _too_large)
