"""The office's pages: the cooperative's savings (per month, supplier and trade, with
charts) and the log of e-mails sent to members."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from shared.fields import ascii_int
from web.pages.admin import admin_required
from web.pages.admin_forms import TRADES
from web.pages.callers import members_by_name, supplier_names
from web.pages.charts import bars
from web.pages.forms import options
from web.pages.notify_client import change
from web.pages.office_lists import DELIVERIES, DELIVERY_KINDS, ROLES
from web.pages.remote import fetch, show_errors_as_pages

savings_admin = Blueprint("savings_admin", __name__, url_prefix="/admin")
show_errors_as_pages(savings_admin)


class FeeForm(FlaskForm):
    """A member's own yearly membership fee, set against its savings in its statements."""

    member_id = SelectField(_l("Member"), coerce=int, validate_choice=True)
    fee = StringField(_l("Yearly membership fee (EUR)"), validators=[DataRequired()])


def _fee_form() -> FeeForm:
    form = FeeForm()
    form.member_id.choices = options(members_by_name())
    return form


@savings_admin.post("/savings/fee")
@admin_required
def set_fee() -> ResponseReturnValue:
    form = _fee_form()
    if form.validate_on_submit():
        fee = (form.fee.data or "").strip().replace(",", ".")
        path = f"/members/{form.member_id.data}/preferences"
        answer = change("PUT", path, "admin", None, {"membership_fee": fee})
        if answer is not None and answer[0] == 200:
            flash(_("The membership fee is saved."), "ok")
            return redirect(url_for("savings_admin.dashboard"))
        if answer is None:
            form.fee.errors = [_("Notify does not answer. Please try again soon.")]
        else:
            form.fee.errors = [_("Please enter an amount in euros, e.g. 240,00.")]
    return dashboard(form), 422


@savings_admin.get("/savings")
@admin_required
def dashboard(form: FeeForm | None = None) -> ResponseReturnValue:
    year = request.args.get("year", type=ascii_int) or datetime.now(UTC).year
    if not 2000 <= year <= 2100:
        abort(404)
    body = fetch("notify", f"/savings/dashboard?year={year}", "admin", None)
    charts = {}
    if body:
        names = supplier_names()
        for s in body["suppliers"]:
            s["name"] = _supplier_name(names, s["supplier_id"])
        for t in body["trades"]:
            t["name"] = str(TRADES.get(t["trade"], t["trade"]))
        charts = {
            "months": bars(
                [
                    (format_date(date(year, m["month"], 1), "MMM"), m["saved"])
                    for m in body["months"]
                ]
            ),
            "suppliers": bars([(str(s["name"])[:14], s["saved"]) for s in body["suppliers"]]),
            "trades": bars([(t["name"][:14], t["saved"]) for t in body["trades"]]),
        }
    depot = fetch("pooling", "/depot", "admin", None)  # the cooperative's, beside the members'
    return render_template(
        "admin_savings.html",
        dashboard=body,
        depot_value=None if depot is None else depot["value"],
        year=year,
        charts=charts,
        fee_form=form or _fee_form(),
    )


def _supplier_name(names: dict[int, str], supplier_id: int | None) -> str:
    if supplier_id is None:  # windows whose orders were all rejected
        return _("No order (rejected)")
    return names.get(supplier_id) or _("Supplier %(id)s", id=supplier_id)


@savings_admin.get("/deliveries")
@admin_required
def deliveries() -> ResponseReturnValue:
    """notify's log of e-mails (and orders and disputes to suppliers): notify searches
    and filters it and answers the newest 200 found; they are sorted and paged here."""
    asked = DELIVERIES.ask()
    params = {"q": asked.text} | asked.filters
    path = "/deliveries?" + urlencode({k: v for k, v in params.items() if v})
    log = fetch("notify", path, "admin", None)
    if log is None:
        return render_template("admin_deliveries.html", log=None)
    listed = DELIVERIES.answer(_with_recipients(log))
    if isinstance(listed, Response):
        return listed
    return render_template("admin_deliveries.html", log=listed, kinds=DELIVERY_KINDS)


def _with_recipients(log: list[dict]) -> list[dict]:
    """Each delivery with the name of its member or supplier, the office ("Office") or,
    for a password link, the user's address."""
    members = dict(members_by_name())
    suppliers = supplier_names()
    office = str(ROLES["admin"])

    def recipient(d: dict) -> str:
        if d.get("audience") == "supplier":
            return suppliers.get(d["supplier_id"], str(d["supplier_id"]))
        if d.get("kind") == "account":  # a password link: to the user's own address
            return str(d["to"])
        return (
            members.get(d.get("member_id"), str(d.get("member_id")))
            if d.get("member_id")
            else office
        )

    return [d | {"recipient": recipient(d)} for d in log]
