"""The office changes and removes members and suppliers (removal asks first)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog.service_layer import commands, directory, handlers
from catalog.web.admin import admin_required
from catalog.web.admin_forms import MemberForm, SupplierForm
from catalog.web.forms import ActionForm
from catalog.web.remote import show_errors_as_pages
from shared.db import transaction
from shared.errors import Invalid
from shared.web import current_runtime

directory_admin = Blueprint("directory_admin", __name__, url_prefix="/admin")
show_errors_as_pages(directory_admin)

KINDS: dict[str, dict[str, Any]] = {
    "member": {
        "form": MemberForm,
        "get": directory.get_member,
        "change": lambda db, outbox, id_, body: directory.change_member(
            db, outbox, commands.ChangeMember(id_, **body)
        ),
        "remove": directory.remove_member,
        "reactivate": directory.reactivate_member,
        "list": "catalog_admin.members",
        "title": _l("Change member %(name)s"),
    },
    "supplier": {
        "form": SupplierForm,
        "get": directory.get_supplier,
        "change": lambda db, outbox, id_, body: handlers.update_supplier(
            db, outbox, commands.UpdateSupplier(id_, **body)
        ),
        "remove": directory.remove_supplier,
        "reactivate": directory.reactivate_supplier,
        "list": "catalog_admin.suppliers",
        "title": _l("Change supplier %(name)s"),
    },
}


ROUTE = "/<any(members, suppliers):kinds>/<id:record_id>"


def _kind(kinds: str) -> tuple[str, dict[str, Any]]:
    return kinds[:-1], KINDS[kinds[:-1]]


def _found(kind: dict[str, Any], record_id: int) -> tuple[str, bool]:
    """The record's name and whether it is active; its ``NotFound`` is the 404 page."""
    with transaction(current_runtime().sessions) as db:
        record = kind["get"](db, record_id)
        return record.name, record.active


@directory_admin.route(ROUTE + "/edit", methods=["GET", "POST"])
@admin_required
def edit(kinds: str, record_id: int) -> ResponseReturnValue:
    kind, spec = _kind(kinds)
    runtime = current_runtime()
    form = spec["form"]()
    name, _active = _found(spec, record_id)
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            with transaction(runtime.sessions) as db:
                spec["change"](db, runtime.outbox, record_id, body)
        except Invalid as exc:  # e.g. a webhook without its secret: beside the field
            form.add_error(exc.field, [str(exc)])
        else:
            flash(_("%(name)s saved.", name=body["name"]), "ok")
            return redirect(url_for(spec["list"]))
    if not form.is_submitted():
        with transaction(runtime.sessions) as db:
            form.fill(spec["get"](db, record_id))
    title = spec["title"] % {"name": name}
    page = render_template("admin_edit.html", form=form, kind=kind, title=title, back=spec["list"])
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
    runtime = current_runtime()
    with transaction(runtime.sessions) as db:
        spec["remove"](db, runtime.outbox, record_id)
    flash(_("%(name)s deactivated; the history stays.", name=name), "ok")
    return redirect(url_for(spec["list"]))


@directory_admin.post(ROUTE + "/reactivate")
@admin_required
def reactivate(kinds: str, record_id: int) -> ResponseReturnValue:
    _name, spec = _kind(kinds)
    name, _active = _found(spec, record_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    runtime = current_runtime()
    with transaction(runtime.sessions) as db:
        spec["reactivate"](db, runtime.outbox, record_id)
    flash(_("%(name)s is active again.", name=name), "ok")
    return redirect(url_for(spec["list"]))
