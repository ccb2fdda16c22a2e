"""The office's invoices (rule 13): every member's invoices and credit notes as an office
list (web/listing.py: searched, filtered, sorted, paged, as CSV, billing doing the work);
one invoice with its documents and its e-mails, and "send again", which asks notify to
e-mail the invoice to its member once more."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

import web.pages.billing_client as billing
from web.pages.admin import admin_required
from web.pages.callers import members_by_name
from web.pages.forms import ActionForm
from web.pages.invoices import invoice_page, stream_document
from web.pages.listing import Query
from web.pages.notify_client import change
from web.pages.office_lists import INVOICES, ListedInvoice
from web.pages.remote import fetch, show_errors_as_pages

invoice_admin = Blueprint("invoice_admin", __name__, url_prefix="/admin")
show_errors_as_pages(invoice_admin)
OFFICE = billing.Caller("admin")


def _members() -> dict[int, str]:
    return dict(members_by_name())


@invoice_admin.get("/invoices")
@admin_required
def invoices() -> ResponseReturnValue:
    """Every invoice and credit note: billing searches, sorts and pages them."""
    members = _members()

    def fetch(query: Query, page: int, per_page: int) -> tuple[list[ListedInvoice], int]:
        params = {"q": query.text, "sort": query.sort, "page": page, "per_page": per_page}
        params |= {"dir": "desc" if query.descending else "asc"} | query.filters
        found, total = billing.invoice_page(OFFICE, {k: v for k, v in params.items() if v})
        named = (members.get(i.member_id) or _("Member %(id)s", id=i.member_id) for i in found)
        return [ListedInvoice(*row) for row in zip(found, named, strict=True)], total

    try:
        listed = INVOICES.fetched(fetch)
    except billing.BillingUnavailable:
        return render_template("admin_invoices.html", invoices=None), 503
    if isinstance(listed, Response):
        return listed
    return render_template("admin_invoices.html", invoices=listed)


@invoice_admin.get("/invoices/<id:invoice_id>")
@admin_required
def invoice(invoice_id: int) -> ResponseReturnValue:
    emails = fetch("notify", f"/invoices/{invoice_id}/deliveries", "admin", None)
    return invoice_page(
        OFFICE,
        invoice_id,
        "admin_invoice.html",
        members=_members(),
        emails=emails,
    )


@invoice_admin.get("/invoices/<id:invoice_id>.<any(pdf, xml):form>")
@admin_required
def invoice_document(invoice_id: int, form: str) -> ResponseReturnValue:
    return stream_document(
        OFFICE, invoice_id, form, "admin_invoice.html", members=_members(), emails=None
    )


@invoice_admin.post("/invoices/<id:invoice_id>/resend")
@admin_required
def resend(invoice_id: int) -> ResponseReturnValue:
    """Notify queues the invoice's e-mail once more (with its PDF); the log shows both."""
    if not ActionForm().validate_on_submit():
        flash(_("This form is out of date; please send it again."), "error")
        return redirect(url_for("invoice_admin.invoice", invoice_id=invoice_id))
    answer = change("POST", f"/invoices/{invoice_id}/resend", "admin", None, {})
    if answer is None:
        flash(_("Notify does not answer, so nothing was sent. Please try again soon."), "error")
    elif answer[0] == 201:
        flash(_("The invoice is being sent to %(to)s again.", to=answer[1]["to"]), "ok")
    elif answer[0] == 404:
        flash(_("Notify has not heard of this invoice yet; please try again in a minute."), "error")
    else:
        flash(_("Notify refused to send the invoice again."), "error")
    return redirect(url_for("invoice_admin.invoice", invoice_id=invoice_id))
