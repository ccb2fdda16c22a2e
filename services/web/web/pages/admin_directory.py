"""The office changes and removes members and suppliers (removal asks first)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.clients.service import OFFICE, Refused
from web.pages.admin import admin_required
from web.pages.admin_forms import MemberForm, SupplierForm
from web.pages.callers import catalog
from web.pages.forms import ActionForm
from web.pages.remote import show_errors_as_pages

directory_admin = Blueprint("directory_admin", __name__, url_prefix="/admin")
show_errors_as_pages(directory_admin)

KINDS: dict[str, dict[str, Any]] = {
    "member": {
        "form": MemberForm,
        "get": lambda record_id: catalog().member(OFFICE, record_id),
        "change": lambda record_id, body: catalog().change_member(OFFICE, record_id, body),
        "list": "catalog_admin.members",
        "title": _l("Change member %(name)s"),
    },
    "supplier": {
        "form": SupplierForm,
        "get": lambda record_id: catalog().supplier(OFFICE, record_id),
        "change": lambda record_id, body: catalog().update_supplier(OFFICE, record_id, body),
        "list": "catalog_admin.suppliers",
        "title": _l("Change supplier %(name)s"),
    },
}


ROUTE = "/<any(members, suppliers):kinds>/<id:record_id>"


def _kind(kinds: str) -> tuple[str, dict[str, Any]]:
    return kinds[:-1], KINDS[kinds[:-1]]


def _found(kind: dict[str, Any], record_id: int) -> tuple[str, bool]:
    """The record's name and whether it is active; its ``NotFound`` is the 404 page."""
    record = kind["get"](record_id)
    return record.name, record.active


@directory_admin.route(ROUTE + "/edit", methods=["GET", "POST"])
@admin_required
def edit(kinds: str, record_id: int) -> ResponseReturnValue:
    kind, spec = _kind(kinds)
    form = spec["form"]()
    name, _active = _found(spec, record_id)
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            spec["change"](record_id, body)
        except Refused as exc:  # e.g. a webhook without its secret: beside the field
            if exc.status != 422:
                raise
            form.show(exc.details or {"name": [exc.message]})
        else:
            flash(_("%(name)s saved.", name=body["name"]), "ok")
            return redirect(url_for(spec["list"]))
    if not form.is_submitted():
        form.fill(spec["get"](record_id))
    title = spec["title"] % {"name": name}
    context = {"kind": kind, "title": title, "back": spec["list"], "record_id": record_id}
    page = render_template("admin_edit.html", form=form, **context)
    return page, 422 if form.is_submitted() else 200


@directory_admin.route(ROUTE + "/remove", methods=["GET", "POST"])
@admin_required
def remove(kinds: str, record_id: int) -> ResponseReturnValue:
    """GET asks first (saying what deactivating does); POST deactivates."""
    kind, spec = _kind(kinds)
    name, active = _found(spec, record_id)
    form = ActionForm()
    if not form.is_submitted():
        context = {"name": name, "active": active, "back": spec["list"]}
        return render_template("admin_remove.html", form=form, kind=kind, **context)
    if not form.validate():
        abort(400)
    catalog().set_active(OFFICE, kind, record_id, active=False)
    flash(_("%(name)s deactivated; the history stays.", name=name), "ok")
    return redirect(url_for(spec["list"]))


@directory_admin.post(ROUTE + "/reactivate")
@admin_required
def reactivate(kinds: str, record_id: int) -> ResponseReturnValue:
    kind, spec = _kind(kinds)
    name, _active = _found(spec, record_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    catalog().set_active(OFFICE, kind, record_id, active=True)
    flash(_("%(name)s is active again.", name=name), "ok")
    return redirect(url_for(spec["list"]))
