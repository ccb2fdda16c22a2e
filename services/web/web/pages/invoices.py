"""A member's invoices and credit notes (rule 13): the list, one invoice with its lines
and VAT per rate, and its PDF and XML streamed through from billing. Billing is asked as
the signed-in member, so it shows the member its own only (another's is a 404 page)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

import web.pages.billing_client as billing
from shared.fields import ascii_int
from shared.web import MAX_ID
from web.pages.needs import member_required
from web.pages.remote import show_errors_as_pages

invoice_pages = Blueprint("invoices", __name__)
show_errors_as_pages(invoice_pages)
PER_PAGE = 50


def _me() -> billing.Caller:
    return billing.Caller("member", current_user.member_id)


@invoice_pages.get("/invoices")
@member_required
def my_invoices() -> ResponseReturnValue:
    before = id_arg("before")
    try:
        page = billing.invoices(_me(), before=before, per_page=PER_PAGE)
    except billing.BillingUnavailable:
        return render_template("invoices.html", page=None, before=before), 503
    return render_template("invoices.html", page=page, before=before)


@invoice_pages.get("/invoices/<id:invoice_id>")
@member_required
def invoice_detail(invoice_id: int) -> ResponseReturnValue:
    return invoice_page(_me(), invoice_id, "invoice_detail.html")


@invoice_pages.get("/invoices/<id:invoice_id>.<any(pdf, xml):form>")
@member_required
def invoice_document(invoice_id: int, form: str) -> ResponseReturnValue:
    return stream_document(_me(), invoice_id, form, "invoice_detail.html")


def invoice_page(
    caller: billing.Caller, invoice_id: int, template: str, **context: Any
) -> ResponseReturnValue:
    """One invoice; a 404 page for one the caller may not see, a notice when billing is away."""
    try:
        invoice = billing.invoice(caller, invoice_id)
    except billing.InvoiceNotFound:
        abort(404)
    except billing.BillingUnavailable:
        return render_template(template, invoice=None, invoice_id=invoice_id, **context), 503
    return render_template(template, invoice=invoice, invoice_id=invoice_id, **context)


def stream_document(
    caller: billing.Caller, invoice_id: int, form: str, template: str, **context: Any
) -> ResponseReturnValue:
    """The document as billing keeps it, passed on in pieces with billing's file name;
    while billing is away, the invoice's page saying so."""
    try:
        document = billing.document(caller, invoice_id, form)
    except billing.InvoiceNotFound:
        abort(404)
    except billing.BillingUnavailable:
        return render_template(template, invoice=None, invoice_id=invoice_id, **context), 503
    response = Response(stream_with_context(document.chunks), content_type=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    if document.length:
        response.headers["Content-Length"] = document.length
    return response


def id_arg(name: str) -> int | None:
    """A record id from the query (``?before=``), or None when there is none or it is bad."""
    raw = request.args.get(name)
    try:
        value = None if raw is None else ascii_int(raw)
    except ValueError:
        return None
    return value if value is not None and 0 < value <= MAX_ID else None
