"""The office's depot page (rule 11): the stock as lots with their book values, the
depot's value, every movement, and writing stock off with a reason. Read and written
through pooling's API as the office."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.pages.admin import admin_required
from web.pages.callers import product_names
from web.pages.receipt_forms import WriteOffForm
from web.pages.remote import fetch, send, show_errors_as_pages

depot_admin = Blueprint("depot_admin", __name__, url_prefix="/admin")
show_errors_as_pages(depot_admin)

MOVEMENTS = {
    "surplus": _l("Pack surplus"),
    "over_delivery": _l("Over-delivery taken in"),
    "rounding": _l("Cent rounding"),
    "to_need": _l("To a need"),
    "write_off": _l("Written off"),
}
# pooling's fields of a write-off and the form's field each belongs beside
FIELDS = {"sku": "lot", "order_id": "lot", "quantity": "quantity", "reason": "reason"}


@depot_admin.get("/depot")
@admin_required
def depot() -> ResponseReturnValue:
    return _depot_page(WriteOffForm(formdata=None))


@depot_admin.post("/depot/write-offs")
@admin_required
def write_off() -> ResponseReturnValue:
    form = WriteOffForm()
    shown = _depot()
    form.lot.choices = _lots(shown)
    body = form.write_off(
        {f"{lot['sku']}:{lot['order_id']}": Decimal(lot["quantity"]) for lot in shown["lots"]}
    )
    if body is None:
        return _depot_page(form, shown, status=422)
    sent = send("pooling", "/depot/write-offs", "admin", body)
    if sent is None:
        problem = _("Pooling does not answer, so nothing was written off. Please try again soon.")
        return _depot_page(form, shown, status=503, problem=problem)
    status, answer = sent
    if status == 201:
        flash(
            _("%(quantity)s %(sku)s written off.", quantity=body["quantity"], sku=body["sku"]), "ok"
        )
        return redirect(url_for("depot_admin.depot"))
    details = (answer.get("details") or {}) if isinstance(answer, dict) else {}
    for name, messages in details.items():
        field = getattr(form, FIELDS.get(name, "quantity"))
        field.errors = [_(m) for m in messages]
    return _depot_page(form, shown, status=422 if details else 409)


def _depot() -> dict[str, Any]:
    shown = fetch("pooling", "/depot", "admin", None)
    if shown is None:
        abort(503)
    return shown  # type: ignore[no-any-return]


def _lots(shown: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            f"{lot['sku']}:{lot['order_id']}",
            _("%(sku)s of order %(id)s", sku=lot["sku"], id=lot["order_id"]),
        )
        for lot in shown["lots"]
    ]


def _depot_page(
    form: WriteOffForm, shown: dict[str, Any] | None = None, status: int = 200, **context: Any
) -> ResponseReturnValue:
    shown = shown or _depot()
    form.lot.choices = _lots(shown)
    skus = {lot["sku"] for lot in shown["lots"]} | {m["sku"] for m in shown["movements"]}
    products = product_names(skus)
    return render_template(
        "admin_depot.html",
        depot=shown,
        form=form,
        products=products,
        kinds=MOVEMENTS,
        **context,
    ), status
