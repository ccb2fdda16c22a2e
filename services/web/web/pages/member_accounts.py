"""The members' accounts and the settlement runs as pages, the figures from billing: a
member's own account (with its CSV export), the office's view of any member's account
(with a payment booked by hand), and the office's settlement page (start a run for a
period, download its SEPA files, mark a run submitted to the bank or discard it)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

import web.pages.remote as remote
from web.pages.admin import admin_required
from web.pages.callers import members_by_name
from web.pages.forms import ActionForm, options
from web.pages.needs import member_required
from web.pages.remote import fetch, send, show_errors_as_pages

log = logging.getLogger(__name__)
account_pages = Blueprint("account_pages", __name__)
show_errors_as_pages(account_pages)
FILES = {"direct-debits": "direct debits", "credit-transfers": "credit transfers"}


class PaymentForm(FlaskForm):
    amount = StringField(_l("Amount (EUR)"), validators=[DataRequired()])
    booked_on = DateField(_l("Received on"), validators=[DataRequired()])
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=140)])


class SettlementForm(FlaskForm):
    period_start = DateField(_l("Period from"), validators=[DataRequired()])
    period_end = DateField(_l("Period until"), validators=[DataRequired()])


class MemberChoice(FlaskForm):
    class Meta:
        csrf = False

    member_id = SelectField(_l("Member"), coerce=int, validate_choice=False)


def download(path: str, role: str, subject_id: int | None) -> tuple[bytes, str] | None:
    """The body and content type of ``GET billing/api/v1<path>``, or None when it fails."""
    return remote.download("billing", path, role, subject_id)


def _attachment(got: tuple[bytes, str] | None, name: str) -> ResponseReturnValue:
    if got is None:
        abort(404)
    response = Response(got[0], content_type=got[1])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@account_pages.get("/account")
@member_required
def my_account() -> ResponseReturnValue:
    """The member's own account: invoices, credit notes, payments, the balance."""
    member_id = current_user.member_id
    body = fetch("billing", f"/members/{member_id}/account", "member", member_id)
    return render_template("account.html", account=body, office=False, standing=_standing(body))


@account_pages.get("/account.csv")
@member_required
def my_account_csv() -> ResponseReturnValue:
    member_id = current_user.member_id
    got = download(f"/members/{member_id}/account.csv", "member", member_id)
    return _attachment(got, f"konto-{member_id}.csv")


def _members() -> list[tuple[int, str]]:
    return members_by_name()


@account_pages.get("/admin/accounts")
@admin_required
def office_accounts() -> ResponseReturnValue:
    """Any member's account for the office, chosen from the list."""
    members = _members()
    choice = MemberChoice(request.args)
    choice.member_id.choices = options(members)
    member_id = choice.member_id.data if request.args.get("member_id") else None
    return _office_page(members, choice, member_id, PaymentForm())


def _office_page(
    members: list[tuple[int, str]], choice: MemberChoice, member_id: int | None, form: PaymentForm
) -> str:
    body = None
    if member_id is not None:
        if member_id not in dict(members):
            abort(404)
        body = fetch("billing", f"/members/{member_id}/account", "admin", None)
    return render_template(
        "account.html",
        account=body,
        office=True,
        choice=choice,
        member_id=member_id,
        member_name=dict(members).get(member_id or 0),
        form=form,
        standing=_standing(body),
    )


def _standing(account: dict[str, Any] | None) -> str | None:
    """Whether the member owes (open), is owed (owed) or neither (settled)."""
    if account is None:
        return None
    balance = Decimal(account["balance"])
    return "open" if balance > 0 else "owed" if balance < 0 else "settled"


@account_pages.post("/admin/accounts/<id:member_id>/payments")
@admin_required
def book_payment(member_id: int) -> ResponseReturnValue:
    """A payment the office received from the member, booked on its account."""
    form = PaymentForm()
    if form.validate_on_submit():
        body = {
            "amount": (form.amount.data or "").strip().replace(",", "."),
            "booked_on": form.booked_on.data.isoformat(),  # type: ignore[union-attr]
            "reference": form.reference.data,
        }
        answer = send("billing", f"/members/{member_id}/payments", "admin", body)
        if answer is not None and answer[0] == 201:
            flash(_("The payment is booked."), "ok")
            return redirect(url_for("account_pages.office_accounts", member_id=member_id))
        _field_errors(form, answer)
    members = _members()
    choice = MemberChoice(data={"member_id": member_id})
    choice.member_id.choices = options(members)
    return _office_page(members, choice, member_id, form), 422


def _field_errors(form: FlaskForm, answer: tuple[int, Any] | None) -> None:
    """Billing's refusal beside the field it names; a page-wide note when it is down."""
    if answer is None:
        flash(_("Billing cannot be reached right now. Please try again in a few minutes."), "error")
        return
    details = (answer[1] or {}).get("details") or {}
    for name in details:
        if name in form:
            form[name].errors = [*form[name].errors, _("This value is not accepted.")]
    if not any(name in form for name in details):
        flash(_("Billing refused this: %(error)s", error=answer[1].get("error", "")), "error")


@account_pages.route("/admin/settlements", methods=["GET", "POST"])
@admin_required
def settlements() -> ResponseReturnValue:
    """The settlement runs, and a form to start one for a period."""
    form = SettlementForm()
    if form.validate_on_submit():
        body = {
            "period_start": form.period_start.data.isoformat(),  # type: ignore[union-attr]
            "period_end": form.period_end.data.isoformat(),  # type: ignore[union-attr]
        }
        answer = send("billing", "/settlements", "admin", body)
        if answer is not None and answer[0] == 201:
            flash(_("The run is made: hand its files to the bank, then mark it submitted."), "ok")
            return redirect(url_for("account_pages.settlements"))
        _field_errors(form, answer)
    found = fetch("billing", "/settlements", "admin", None)
    status = 422 if form.errors or request.method == "POST" else 200
    runs = None if found is None else found["settlements"]
    page = render_template(
        "admin_settlements.html", form=form, runs=runs, skonto=skonto_gained(runs)
    )
    return page, status


def skonto_gained(runs: list[dict[str, Any]] | None) -> Decimal | None:
    """The Skonto the cooperative gained: that of the runs submitted to the bank."""
    if runs is None:
        return None
    submitted = (Decimal(r["skonto"]) for r in runs if r["state"] == "submitted")
    return sum(submitted, Decimal("0.00"))


@account_pages.post("/admin/settlements/<id:settlement_id>/<any('submit', 'cancel'):step>")
@admin_required
def settlement_step(settlement_id: int, step: str) -> ResponseReturnValue:
    """Mark a run submitted to the bank (its collections booked), or discard it."""
    back = redirect(url_for("account_pages.settlements"))
    if not ActionForm().validate_on_submit():
        flash(_("This form is out of date; please send it again."), "error")
        return back
    answer = send("billing", f"/settlements/{settlement_id}/{step}", "admin", {})
    if answer is not None and answer[0] == 200 and step == "submit":
        flash(_("Run %(id)s is submitted: its collections are booked.", id=settlement_id), "ok")
    elif answer is not None and answer[0] == 200:
        flash(
            _("Run %(id)s is discarded: the next run may take what it held.", id=settlement_id),
            "ok",
        )
    else:
        _field_errors(ActionForm(), answer)
    return back


@account_pages.get(
    "/admin/settlements/<id:settlement_id>/<any('direct-debits', 'credit-transfers'):form>.xml"
)
@admin_required
def settlement_file(settlement_id: int, form: str) -> ResponseReturnValue:
    got = download(f"/settlements/{settlement_id}/{form}.xml", "admin", None)
    return _attachment(got, f"zirkel-settlement-{settlement_id}-{form}.xml")


@account_pages.get("/admin/accounts.csv")
@admin_required
def all_accounts_csv() -> ResponseReturnValue:
    """Every member's account for the tax adviser (German Excel)."""
    return _attachment(download("/accounts.csv", "admin", None), "zirkel-konten.csv")
