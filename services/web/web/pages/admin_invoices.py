"""The office's invoices (rule 13): every member's invoices and credit notes, filtered by
pool window and member, page by page; one invoice with its documents and its e-mails,
and "send again", which asks notify to e-mail the invoice to its member once more."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, StringField
from wtforms.validators import Optional, Regexp

import web.pages.billing_client as billing
from shared.web import MAX_ID
from web.pages.admin import admin_required
from web.pages.callers import members_by_name
from web.pages.forms import ActionForm, options
from web.pages.invoices import id_arg, invoice_page, stream_document
from web.pages.notify_client import change
from web.pages.remote import fetch, show_errors_as_pages

invoice_admin = Blueprint("invoice_admin", __name__, url_prefix="/admin")
show_errors_as_pages(invoice_admin)
OFFICE = billing.Caller("admin")
PER_PAGE = 50


class InvoiceFilter(Form):
    """Which invoices the list shows (a GET form: it changes nothing, so no CSRF token)."""

    window_id = StringField(
        _l("Round"),
        validators=[
            Optional(),
            Regexp(r"^[0-9]{1,9}$", message=_l("The round's number, e.g. 12.")),
        ],
    )
    member_id = SelectField(_l("Member"), default="", validate_choice=True)

    def chosen(self) -> dict[str, int | None]:
        def number(value: str | None) -> int | None:
            return int(value) if value and 0 < int(value) <= MAX_ID else None

        return {"window_id": number(self.window_id.data), "member_id": number(self.member_id.data)}


def _members() -> dict[int, str]:
    return dict(members_by_name())


@invoice_admin.get("/invoices")
@admin_required
def invoices() -> ResponseReturnValue:
    members = _members()
    form = InvoiceFilter(MultiDict(request.args))
    form.member_id.choices = options(
        [("", _("All members"))] + [(str(i), n) for i, n in members.items()]
    )
    if not form.validate():
        return _list_page(form, members, page=None, status=422)
    chosen, before = form.chosen(), id_arg("before")
    try:
        page = billing.invoices(OFFICE, **chosen, before=before, per_page=PER_PAGE)
    except billing.BillingUnavailable:
        return _list_page(form, members, page=None, status=503, unavailable=True)
    return _list_page(form, members, page=page, chosen=chosen, before=before)


def _list_page(
    form: InvoiceFilter, members: dict[int, str], page: Any, status: int = 200, **context: Any
) -> ResponseReturnValue:
    return render_template(
        "admin_invoices.html",
        form=form,
        members=members,
        page=page,
        **context,
    ), status


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
